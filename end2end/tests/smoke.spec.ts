import { test, expect, hydrated, expectAccessible } from './fixtures';

test('the home page renders on the server and hydrates', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Ketamine for chronic back pain: is a consult right for you?',
  );
  await hydrated(page);
  await expectAccessible(page);
});

for (const [width, height] of [[390, 844], [1280, 800]]) {
  test(`the home page's main button is above the fold at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/');
    const start = page.getByRole('link', { name: 'Start the pre-screening' });
    await expect(start).toBeInViewport({ ratio: 1 });
  });
}

test('the home page is readable without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('html[data-hydrated]')).toHaveCount(0);
  await context.close();
});

test.describe('the 404 page', () => {
  test.use({ expectedNotFound: ['/no/such/page'] });

  test('an unknown address shows the styled 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find that page');
  await hydrated(page);
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Ketamine');
  await expectAccessible(page);
  });
});

const LEARN = [
  'what-is-ketamine', 'back-pain-symptoms', 'diagnosis', 'how-infusions-work',
  'conditions-and-evidence', 'who-should-consider-it', 'safety-and-side-effects', 'insurance-and-cost',
];
const FALSE_CLAIMS = [/no adverse effects/i, /no side effects/i, /no potential for (drug )?abuse/i,
  /does not cause any dependence/i, /best therapeutic method/i, /scale of 1 to 10/i, /\bOCD\b/];

test('the education index lists every page and is accessible', async ({ page }) => {
  await page.goto('/learn');
  await expect(page.locator('.card-list li')).toHaveCount(LEARN.length);
  await expectAccessible(page);
});

// One test per page and language: each does one axe scan, so a busy machine slows a
// test down without pushing a loop of sixteen scans past one test's time budget.
for (const lang of ['en', 'es']) {
  for (const slug of LEARN) {
    test(`education page ${slug} (${lang}) is accessible, reviewed, sourced and free of the seed's false claims`, async ({ page, baseURL }) => {
      await page.context().addCookies([{ name: 'lang', value: lang, url: baseURL! }]);
      const response = await page.goto(`/learn/${slug}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expect(page.locator('h1')).toHaveCount(1);
      await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', /.{40,}/);
      await expect(page.locator('.review')).toContainText(/Test Reviewer/);
      await expect(page.locator('.sources li').first()).toBeVisible();
      await expect(page.getByRole('link', { name: lang === 'en' ? 'Start the pre-screening' : 'Comenzar la evaluación previa' })).toBeVisible();
      const text = await page.locator('main').innerText();
      for (const claim of FALSE_CLAIMS) expect(text, `${slug} (${lang})`).not.toMatch(claim);
      await expectAccessible(page);
    });
  }
}

test('the language switch turns an education page into Spanish', async ({ page }) => {
  await page.goto('/learn/diagnosis');
  await page.getByRole('link', { name: 'Español' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page).toHaveURL(/\/learn\/diagnosis$/);
});

test('the safety page names the 988 lifeline', async ({ page }) => {
  const safety = await (await page.goto('/learn/safety-and-side-effects'))?.text();
  expect(safety).toContain('988');
});

test('education pages load no WASM; hashed assets are compressed and cached for a year', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto('/learn/what-is-ketamine', { waitUntil: 'networkidle' });
  expect(requested.filter((p) => p.endsWith('.wasm') || p.endsWith('.js'))).toEqual([]);
  await expect(page.locator('script[type="module"], link[rel="modulepreload"]')).toHaveCount(0);

  // Pages with an island preload a hashed bundle; the stylesheet name is hashed too.
  await page.goto('/intake');
  await hydrated(page);
  const css = await page.locator('link[rel="stylesheet"][href^="/pkg/"]').getAttribute('href');
  const wasm = await page.locator('link[rel="preload"][href$=".wasm"]').getAttribute('href');
  for (const asset of [css!, wasm!]) {
    expect(asset).toMatch(/^\/pkg\/pain-intake\.[A-Za-z0-9_-]{22}\.(css|wasm)$/);
    const res = await page.request.get(asset, { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(res.status()).toBe(200);
    expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers()['content-encoding']).toMatch(/^(br|gzip)$/);
  }
  // Pages themselves are never stored.
  const html = await page.request.get('/intake');
  expect(html.headers()['cache-control']).toBe('no-store');
});

test.describe('the content security policy', () => {
  test.use({ expectedErrors: ['Executing inline event handler violates the following Content Security Policy'] });

  test('pages run only scripts carrying the response nonce; injected inline code does not run', async ({ page }) => {
    const res = (await page.goto('/intake'))!;
    const csp = res.headers()['content-security-policy'];
    expect(csp).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    await hydrated(page);

    // Markup that slipped through escaping could not run code: the browser refuses it.
    const violation = page.evaluate(
      () => new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true })),
    );
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img alt="" src="/favicon.svg" onload="window.__injected = 1">'));
    expect(await violation).toContain('script-src');
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
  });
});

test('learn pages fit a phone: nothing pushes the page sideways', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const slug of ['what-is-ketamine', 'back-pain-symptoms', 'diagnosis', 'how-infusions-work',
    'conditions-and-evidence', 'who-should-consider-it', 'safety-and-side-effects', 'insurance-and-cost']) {
    await page.goto(`/learn/${slug}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, slug).toBeLessThanOrEqual(0);
  }
});

// Page weight and time to interactive in Debian's Chromium on a slow phone (issue 8).
//
// Each page type loads in a fresh browser context (empty cache) with the CPU slowed 4x and
// the network shaped like Lighthouse's "slow 4G" as DevTools applies it: 562.5 ms
// latency, 1.47 Mbit/s down, 675 kbit/s up. Transferred bytes are counted per resource
// type from the network log (headers and compressed bodies, as they crossed the wire).
// A second load in the same context shows what the long cache lifetimes save.
//
// Usage: BASE_URL=http://127.0.0.1:3100 [STAFF_COOKIE='name=value'] node bench/pages.cjs OUT.json
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require(require.resolve('@playwright/test', { paths: [path.join(__dirname, '..', 'end2end')] }));

const BASE = process.env.BASE_URL;
const RUNS = Number(process.env.PAGE_RUNS || 3);
const SLOW_4G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1474.56 * 1024) / 8,
  uploadThroughput: (675 * 1024) / 8,
};

const PAGES = [
  { name: 'home', path: '/' },
  { name: 'education', path: '/learn/what-is-ketamine' },
  { name: 'wizard first step', path: '/intake/red-flags', draft: true },
  { name: 'staff queue', path: '/staff', staff: true },
];

function kindOf(mime, url) {
  if (mime.includes('html')) return 'html';
  if (mime.includes('css')) return 'css';
  if (mime.includes('javascript')) return 'js';
  if (mime.includes('wasm') || url.endsWith('.wasm')) return 'wasm';
  return 'other';
}

// Records, inside the page, when it became readable (first contentful paint) and when
// the app marked itself hydrated (`data-hydrated`, set by an Effect once WASM runs).
const MARKER = () => {
  window.__bench = { hydratedAt: null };
  const check = () => {
    if (window.__bench.hydratedAt === null && document.documentElement.getAttribute('data-hydrated') === 'true') {
      window.__bench.hydratedAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

async function measure(browser, spec, cookie) {
  const context = await browser.newContext();
  if (cookie) {
    const [name, value] = cookie.split(/=(.*)/s);
    // The staff cookie is `__Host-` prefixed: Secure, host-only, path /. Chromium sends
    // Secure cookies to loopback, a trustworthy origin.
    await context.addCookies([{ name, value, domain: new URL(BASE).hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  }
  if (spec.draft) {
    // Start a pre-screening as the start button does: the draft cookie lands in this context.
    const started = await context.request.post(BASE + '/intake/start', { headers: { Origin: BASE }, maxRedirects: 0 });
    if (started.status() !== 303) throw new Error(`${spec.name}: starting a draft answered ${started.status()}`);
  }
  await context.addInitScript(MARKER);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });

  const kinds = new Map();
  let bytes = {};
  cdp.on('Network.responseReceived', (e) => kinds.set(e.requestId, kindOf(e.response.mimeType || '', e.response.url)));
  cdp.on('Network.loadingFinished', (e) => {
    const k = kinds.get(e.requestId) || 'other';
    bytes[k] = (bytes[k] || 0) + e.encodedDataLength;
  });

  const load = async () => {
    bytes = {};
    await page.goto(BASE + spec.path, { waitUntil: 'load' });
    if (new URL(page.url()).pathname !== spec.path) throw new Error(`${spec.name}: redirected to ${page.url()}`);
    // Hydration, if the page has any, finishes after `load`: wait for it (up to 30 s).
    const wantsWasm = await page.evaluate(() => !!document.querySelector('link[href$=".wasm"], script[type="module"]'));
    if (wantsWasm) {
      await page.waitForFunction(() => window.__bench && window.__bench.hydratedAt !== null, null, { timeout: 30_000 });
    }
    await page.waitForLoadState('networkidle');
    const timing = await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        readable: fcp ? fcp.startTime : null,
        interactive: window.__bench.hydratedAt,
        status: performance.getEntriesByType('navigation')[0].responseStatus,
      };
    });
    return { ...timing, bytes: { ...bytes } };
  };
  const first = await load();
  const repeat = await load();
  await context.close();
  if (errors.length) throw new Error(`${spec.name}: console errors: ${errors.join(' | ')}`);
  return { first, repeat };
}

function median(xs) {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
}

(async () => {
  const out = process.argv[2];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const results = [];
  for (const spec of PAGES) {
    if (spec.staff && !process.env.STAFF_COOKIE) continue;
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, spec, spec.staff ? process.env.STAFF_COOKIE : null));
    const total = (b) => Object.values(b).reduce((a, n) => a + n, 0);
    // Bytes are the same each run; times vary, so the median is reported.
    results.push({
      name: spec.name,
      path: spec.path,
      status: runs[0].first.status,
      bytes: runs[0].first.bytes,
      total: total(runs[0].first.bytes),
      repeat_total: total(runs[0].repeat.bytes),
      readable_ms: median(runs.map((r) => r.first.readable)),
      interactive_ms: median(runs.map((r) => r.first.interactive)),
    });
  }
  await browser.close();
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

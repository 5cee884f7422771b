import { test, expect } from '@playwright/test';

// Every patient page at a phone's and a laptop's size, for a person to look at
// (`make screenshots`; not part of `make test`). The images go to
// end2end/screenshots/out/ (ignored by git).
const SIZES: [string, number, number][] = [['phone', 390, 844], ['laptop', 1280, 800]];
const LEARN = ['what-is-ketamine', 'back-pain-symptoms', 'diagnosis', 'how-infusions-work',
  'conditions-and-evidence', 'who-should-consider-it', 'safety-and-side-effects', 'insurance-and-cost'];
const STEPS = ['red-flags', 'symptoms', 'duration', 'pain', 'history', 'treatments', 'treatment-results',
  'medical', 'mood', 'mood-1', 'mood-2', 'about-you', 'insurance', 'consent', 'review'];

for (const [size, width, height] of SIZES) {
  test(`every patient page at ${size} size`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width, height });
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: `screenshots/out/${size}-${name}.png`, fullPage: true });
    };
    for (const [name, path] of [['home', '/'], ['learn', '/learn'], ['not-found', '/no/such/page']]) {
      await page.goto(path);
      await shot(name);
    }
    for (const slug of LEARN) {
      await page.goto(`/learn/${slug}`);
      await shot(`learn-${slug}`);
    }
    await page.goto('/intake');
    await shot('intake-start');
    await page.getByRole('button', { name: 'Start the pre-screening' }).click();
    await expect(page).toHaveURL(/red-flags/);
    for (const step of STEPS) {
      await page.goto(`/intake/${step}`);
      await shot(`step-${step}`);
    }
    // The same step after a post with nothing answered: the error summary.
    await page.goto('/intake/red-flags');
    await page.getByRole('button', { name: /continue/i }).first().click();
    await shot('step-red-flags-errors');
    // A 911 answer: the emergency page with its optional call request, then asked for.
    await page.check('#f-clinical-red_flags-bladder_or_bowel_change');
    await page.getByRole('button', { name: /continue/i }).first().click();
    await expect(page).toHaveURL(/\/intake\/stop$/);
    await shot('emergency-stop');
    await page.getByRole('button', { name: 'Ask for a call' }).click();
    await shot('emergency-stop-errors');
    await page.getByLabel('First name').fill('Ana');
    await page.getByLabel('Last name').fill('García');
    await page.getByLabel('Phone number').fill('(214) 555-0182');
    await page.getByRole('button', { name: 'Ask for a call' }).click();
    await shot('emergency-stop-call-requested');
    await page.goto('/intake/symptoms');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    await shot('saved');
    await page.goto('/lang/es?next=/intake/mood');
    await shot('es-step-mood');
    await page.goto('/lang/es?next=/learn/safety-and-side-effects');
    await shot('es-learn-safety');
    await page.goto('/lang/en?next=/');
  });
}

import { test as base, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/// Every test fails on any console error or uncaught page error (CSP violations and
/// hydration panics show up here).
/// A test that visits an address expected to answer 404 lists it in `expectedNotFound`:
/// Chromium reports the document's own 404 as a console error.
/// A test that provokes an error on purpose (a CSP refusal) lists its text in `expectedErrors`.
export const test = base.extend<{ consoleErrors: string[]; expectedNotFound: string[]; expectedErrors: string[] }>({
  expectedNotFound: [[], { option: true }],
  expectedErrors: [[], { option: true }],
  consoleErrors: [
    async ({ page, expectedNotFound, expectedErrors }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const url = msg.location().url;
        const expected404 =
          msg.text().includes('status of 404') && expectedNotFound.some((p) => url.endsWith(p));
        const expected = expectedErrors.some((e) => msg.text().includes(e));
        if (!expected404 && !expected) errors.push(`${msg.text()} (${url})`);
      });
      page.on('pageerror', (err) => errors.push(String(err)));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/// Waits until the WASM bundle has hydrated the page (an Effect sets the marker).
export async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
}

/// Runs axe-core against WCAG 2.0/2.1 A and AA and expects no violation.
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, 'axe violations').toEqual([]);
}

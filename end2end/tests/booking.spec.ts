import { test, expect, hydrated, expectAccessible } from './fixtures';
import { Account, addUser, createIntake, dbPath, signInAndEnrol, submitIntake } from './staff';
import { answerFromSymptoms, answerRedFlags, baseline, submit } from './wizard';
import { execFileSync } from 'child_process';
import type { Browser, Page } from '@playwright/test';

// Booking the consult (booking.md): a patient on a phone books from the result page with
// and without JavaScript, changes and cancels it from the link a booking e-mail carries,
// and staff book by phone and see the calendar. Each test is a few steps and at most two
// axe scans (a busy two-core machine).
test.describe.configure({ timeout: 120_000 });

const PHONE = { width: 390, height: 844 };

/// Opens every weekday 08:00 to 18:00 with the command line, as an admin does.
function openHours() {
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) {
    execFileSync('../target/debug/pain-intake', ['hours', 'set', '--database-url', `sqlite://${dbPath()}`,
      '--weekday', day, '--ranges', '08:00-18:00']);
  }
}

test.beforeAll(() => openHours());

async function phone(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled, isMobile: true, hasTouch: true });
  return context.newPage();
}

/// Walks the wizard to the consult-recommended result page.
async function toResult(page: Page, js: boolean) {
  await page.goto('/intake');
  if (js) await hydrated(page);
  await page.getByRole('button', { name: 'Start the pre-screening' }).click();
  const s = baseline();
  await answerRedFlags(page, s);
  await answerFromSymptoms(page, s);
  await submit(page);
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'consult_recommended');
}

for (const js of [true, false]) {
  test(`a patient books, changes and cancels the consult on a phone ${js ? 'with' : 'without'} JavaScript`, async ({ browser }) => {
    const page = await phone(browser, js);
    await toResult(page, js);
    const panel = page.getByTestId('consult');
    await expect(panel.getByRole('heading', { name: 'Book your consult' })).toBeVisible();
    // The times fit the phone's width: no sideways scrolling.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    if (js) {
      await hydrated(page);
      await expectAccessible(page);
    }

    const firstDay = panel.locator('fieldset.slot-day').first();
    const day = (await firstDay.locator('legend').textContent())?.trim() ?? '';
    const time = (await firstDay.locator('label.slot span').first().textContent())?.trim() ?? '';
    await firstDay.locator('label.slot').first().click();
    await panel.getByTestId('book').click();
    await expect(page.getByTestId('consult-booked')).toContainText(`${day} at ${time}`);

    await page.getByTestId('change-consult').click();
    const second = page.getByTestId('consult').locator('label.slot').nth(2);
    const newTime = (await second.locator('span').textContent())?.trim() ?? '';
    await second.click();
    await page.getByRole('button', { name: 'Move my consult to this time' }).click();
    await expect(page.getByTestId('consult-booked')).toContainText(newTime);

    await page.getByTestId('cancel-consult').click();
    await page.getByRole('button', { name: 'Yes, cancel my consult' }).click();
    await expect(page.getByTestId('booking-status')).toContainText('Your consult is cancelled');
    await expect(page.getByRole('heading', { name: 'Book your consult' })).toBeVisible();
    await page.context().close();
  });
}

test('the link of a booking e-mail opens the consult on another device, to change or cancel it', async ({ browser, request }) => {
  // Booked through the API, whose manage token opens the same page as an e-mail's link.
  const created = await createIntake(request, 'Link', 'Patient');
  expect(created.outcome).toBe('consult_recommended');
  const slots = await (await request.get(`/api/v1/slots?from=${isoDay(1)}&to=${isoDay(7)}`)).json();
  const booked = await request.post('/api/v1/bookings', { data: { booking_token: created.booking_token, start: slots.slots[0].start } });
  expect(booked.status()).toBe(201);
  const manage = (await booked.json()).manage_token;

  const page = await phone(browser, true);
  await page.goto(`/consult/${manage}`);
  await hydrated(page);
  await expectAccessible(page);
  await page.getByTestId('open-consult').click();
  await expect(page).toHaveURL(/\/intake\/result#consult$/);
  await expect(page.getByTestId('consult-booked')).toBeVisible();
  await page.getByTestId('cancel-consult').click();
  await page.getByRole('button', { name: 'Yes, cancel my consult' }).click();
  await expect(page.getByTestId('booking-status')).toContainText('Your consult is cancelled');
  // A link that opens nothing says so.
  await page.goto('/consult/expired');
  await expect(page.getByTestId('link-expired')).toBeVisible();
  await page.context().close();
});

function isoDay(days: number): string {
  // The clinic's date is close enough to UTC's for a week-long window.
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const stamp = Date.now().toString(36);
const desk: Account = { email: `book-${stamp}@clinic.test`, password: 'front desk booking phrase' };

test('front desk books a consult by phone on a phone, and sees it on the calendar', async ({ browser, request }) => {
  const reference = await submitIntake(request, `Cal${stamp}`, 'Patient', { emergency: true });
  addUser(desk.email, 'Dana Desk', 'front_desk', desk.password);
  const page = await phone(browser, true);
  await signInAndEnrol(page, desk);
  await page.goto(`/staff/submissions/${reference}`);
  await expect(page.getByTestId('staff-consult')).toContainText('cannot book online');
  await page.getByTestId('book-consult').click();
  await expect(page.getByTestId('staff-book')).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);
  const slot = page.locator('label.slot').first();
  const time = (await slot.locator('span').textContent())?.trim() ?? '';
  await slot.click();
  await page.getByTestId('staff-book-submit').click();
  await expect(page.getByTestId('flash')).toHaveText('Consult booked.');
  await expect(page.getByTestId('upcoming-consult')).toContainText(time);

  await page.getByTestId('calendar-link').click();
  const row = page.getByTestId('calendar-row').filter({ hasText: reference });
  await expect(row).toContainText(`Cal${stamp} Patient`);
  await expect(row).toContainText('Booked');
  await hydrated(page);
  await expectAccessible(page);
  await page.context().close();
});

const admin: Account = { email: `hours-${stamp}@clinic.test`, password: 'admin hours phrase here' };

test('an admin sets the consult hours in the portal; a bad range is refused with its reason', async ({ page }) => {
  addUser(admin.email, 'Ada Admin', 'admin', admin.password);
  await signInAndEnrol(page, admin);
  await page.getByTestId('hours-link').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('hours', { ignoreCase: true });
  await hydrated(page);
  await expectAccessible(page);
  const saturday = page.getByLabel('Saturday', { exact: true });
  await saturday.fill('9:00-12:00');
  await page.getByRole('button', { name: 'Save Saturday' }).click();
  await expect(page.getByTestId('hours-problem')).toContainText('is not a time');
  await expect(page.getByLabel('Saturday', { exact: true })).toHaveValue('9:00-12:00');
  await page.getByLabel('Saturday', { exact: true }).fill('09:00-12:00');
  await page.getByRole('button', { name: 'Save Saturday' }).click();
  await expect(page.getByLabel('Saturday', { exact: true })).toHaveValue('09:00-12:00');
  // The admins' list of real-time eligibility checks (none configured in this run).
  await page.goto('/staff/eligibility');
  await expect(page.getByTestId('realtime-off')).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);
});

test('a patient asks for the resume link by e-mail on the saved page', async ({ page }) => {
  await page.goto('/intake');
  await hydrated(page);
  await page.getByRole('button', { name: 'Start the pre-screening' }).click();
  await page.getByRole('button', { name: 'Save and come back later' }).click();
  await expect(page).toHaveURL(/\/intake\/saved$/);
  await page.getByLabel('Your e-mail address').fill('not an address');
  await page.getByRole('button', { name: 'Send me the link' }).click();
  await expect(page.locator('#f-resume-email-error')).toContainText('correct format');
  await page.getByLabel('Your e-mail address').fill('ana@example.com');
  await page.getByRole('button', { name: 'Send me the link' }).click();
  await expect(page.getByTestId('email-link-status')).toContainText('We are sending the link');
  await hydrated(page);
  await expectAccessible(page);
});

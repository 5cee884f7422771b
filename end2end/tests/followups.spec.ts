import { test, expect, hydrated, expectAccessible } from './fixtures';
import { Account, addUser, dbPath, signIn, signInAndEnrol, submitIntake } from './staff';
import { answerRedFlags, baseline } from './wizard';
import { execFileSync } from 'child_process';

// A clinician works an overdue safety follow-up from the list to its close
// (safety-followup.md). One account, so the steps run in order in one test.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const stamp = Date.now().toString(36);
const clinician: Account = { email: `fu-${stamp}@clinic.test`, password: 'follow-up clinician phrase' };

/// Moves a follow-up's deadline 25 minutes into the past, as if the time had passed
/// (the server takes its clock from the system; a browser test cannot wait hours).
function makeOverdue(reference: string) {
  const past = new Date(Date.now() - 25 * 60_000).toISOString();
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbPath(),
    `UPDATE follow_ups SET deadline = '${past}' WHERE intake_id = (SELECT id FROM intakes WHERE reference = '${reference.replace('-', '')}')`]);
}

test('a clinician sees an overdue follow-up, acknowledges it, records three attempts and closes it', async ({ page, request }) => {
  const reference = await submitIntake(request, `Safety${stamp}`, 'Patient', { selfHarm: true });
  makeOverdue(reference);
  addUser(clinician.email, 'Fay Followup', 'clinician', clinician.password);
  await signInAndEnrol(page, clinician);

  // The count in the navigation leads to the list, where the follow-up is overdue.
  await expect(page.getByTestId('open-follow-ups')).toContainText(/\(\d+ open\)/);
  await page.getByTestId('follow-ups-link').click();
  await expect(page.getByRole('heading', { name: 'Follow-ups' })).toBeVisible();
  const row = page.locator(`[data-testid="follow-up-row"][data-reference="${reference}"]`);
  await expect(row).toContainText('Safety');
  await expect(row.getByTestId('time-left')).toContainText(/overdue by 2[45] min/);
  await expect(row).toContainText('Nobody yet');
  await hydrated(page);
  await expectAccessible(page);

  // The submission's follow-up panel.
  await row.getByRole('link', { name: reference }).click();
  const panel = page.getByTestId('follow-up');
  await expect(panel).toHaveAttribute('data-state', 'open');
  await panel.getByRole('button', { name: 'Acknowledge: I am on it' }).click();
  await expect(page.getByTestId('flash')).toContainText('Acknowledged');
  await expect(page.getByTestId('acknowledged')).toContainText('Fay Followup');
  await hydrated(page);
  await expectAccessible(page);

  // "Unable to reach" is offered once three attempts are on record.
  await expect(panel.getByLabel(/Unable to reach/)).toBeDisabled();
  for (const [result, note] of [['No answer', ''], ['Left a message', 'Voicemail, asked to call back'], ['No answer', '']]) {
    await panel.getByLabel('How').selectOption({ label: 'Phone call' });
    await panel.getByLabel('What happened').selectOption({ label: result });
    await panel.getByLabel('Note (optional)').fill(note);
    await panel.getByRole('button', { name: 'Record attempt' }).click();
    await expect(page.getByTestId('flash')).toHaveText('Attempt recorded.');
  }
  await expect(page.getByTestId('attempts').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('attempts')).toContainText('Voicemail, asked to call back');

  await panel.getByLabel(/Unable to reach/).check();
  await panel.getByRole('button', { name: 'Close follow-up' }).click();
  await expect(page.getByTestId('flash')).toHaveText('Follow-up closed.');
  await expect(page.getByTestId('follow-up')).toHaveAttribute('data-state', 'closed');
  await expect(page.getByTestId('closed')).toContainText('Unable to reach');

  // It has left the list.
  await page.getByTestId('follow-ups-link').click();
  await expect(page.getByRole('heading', { name: 'Follow-ups' })).toBeVisible();
  await expect(page.locator(`[data-testid="follow-up-row"][data-reference="${reference}"]`)).toHaveCount(0);

  // On a phone the queue reads as cards: nothing cut off, no sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/staff');
  const queueRow = page.locator(`[data-testid="queue-row"][data-reference="${reference}"]`);
  await queueRow.scrollIntoViewIfNeeded();
  const box = (await queueRow.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  // Each cell shows its column's name before it (CSS generated content).
  const label = await queueRow.locator('td[data-label="Status"]').evaluate((td) => getComputedStyle(td, '::before').content);
  expect(label).toBe('"Status"');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page);
});

// A patient stopped at the emergency page leaves a name and phone; the clinic's list
// gets an emergency follow-up that links to the request (safety-followup.md).
test('a patient stopped at the emergency page asks for a call and a clinician sees who to call', async ({ browser, page }) => {
  const patient = await (await browser.newContext()).newPage();
  await patient.goto('/intake');
  await hydrated(patient);
  await patient.getByRole('button', { name: 'Start the pre-screening' }).click();
  await hydrated(patient);
  const s = baseline();
  s.redFlags.bladder_or_bowel_change = 'yes';
  await answerRedFlags(patient, s);
  await expect(patient.getByRole('link', { name: 'Call 911' })).toHaveAttribute('href', 'tel:911');
  const form = patient.getByRole('region', { name: 'Ask the clinic to call you (optional)' });
  await form.getByRole('button', { name: 'Ask for a call' }).click();
  await expect(patient).toHaveTitle(/^Error:/);
  await expect(patient.locator('#error-summary')).toContainText('Enter your first name');
  await hydrated(patient);
  await expectAccessible(patient);
  const last = `Caller${stamp}`;
  await form.getByLabel('First name').fill('Rosa');
  await form.getByLabel('Last name').fill(last);
  await form.getByLabel('Phone number').fill('(214) 555-0199');
  await form.getByRole('button', { name: 'Ask for a call' }).click();
  await expect(patient.getByTestId('call-requested')).toContainText('The clinic will try to call you');
  const reference = (await patient.getByTestId('call-reference').textContent())!.trim();
  await expectAccessible(patient);

  await signIn(page, clinician);
  await page.getByTestId('follow-ups-link').click();
  const row = page.locator(`[data-testid="follow-up-row"][data-reference="${reference}"]`);
  await expect(row).toContainText('Emergency');
  await expect(row).toContainText('Call request from the emergency page');
  await row.getByRole('link', { name: reference }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Call request ${reference}`);
  await expect(page.getByTestId('caller-name')).toHaveText(`Rosa ${last}`);
  await expect(page.getByTestId('caller-phone')).toHaveAttribute('href', 'tel:2145550199');
  await expect(page.getByTestId('caller-red-flags')).toContainText('bladder or bowels');
  await hydrated(page);
  await expectAccessible(page);
  await page.getByTestId('follow-up').getByRole('button', { name: 'Acknowledge: I am on it' }).click();
  await expect(page.getByTestId('flash')).toContainText('Acknowledged');
});

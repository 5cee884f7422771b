import { test, expect, hydrated, expectAccessible } from './fixtures';
import { answerFromSymptoms, answerRedFlags, baseline, fid, Scenario, stored, submit, tabTo, useKeyboardOnly } from './wizard';

async function start(page: import('@playwright/test').Page, a11y = false) {
  await page.goto('/intake');
  await hydrated(page);
  if (a11y) await expectAccessible(page);
  await page.getByRole('button', { name: 'Start the pre-screening' }).click();
  await expect(page).toHaveURL(/\/intake\/red-flags$/);
  await hydrated(page);
}

const outcomes: [string, (s: Scenario) => void, string][] = [
  ['consult_recommended', () => {}, 'chronic_refractory_pain'],
  ['urgent_care', (s) => { s.redFlags.fever_or_chills = 'yes'; }, 'fever_or_chills'],
  ['clinician_review', (s) => { s.medical.pregnant_or_breastfeeding = 'yes'; }, 'pregnant_or_breastfeeding'],
  ['not_yet', (s) => { s.duration = 'under_6_weeks'; }, 'pain_not_chronic'],
];

// One axe scan per test: a wizard walked with a scan on every step made one test do
// fourteen, which a busy two-core machine could not finish in a test's time budget.
test('the start page is accessible', async ({ page }) => {
  await start(page, true);
});

const STEPS = ['red-flags', 'symptoms', 'duration', 'pain', 'history', 'treatments', 'treatment-results',
  'medical', 'mood', 'mood-1', 'mood-2', 'about-you', 'insurance', 'consent', 'review'];
for (const step of STEPS) {
  test(`the ${step} step is accessible`, async ({ page }) => {
    await start(page);
    await page.goto(`/intake/${step}`);
    await hydrated(page);
    await expectAccessible(page);
  });
}

for (const [outcome, change, code] of outcomes) {
  test(`a patient completes the wizard to ${outcome}`, async ({ page }) => {
    const s = baseline();
    change(s);
    await start(page);
    await answerRedFlags(page, s);
    await answerFromSymptoms(page, s);
    // No hint of the outcome before submitting (a patient could game it).
    await expect(page.getByTestId('preview')).toHaveCount(0);
    const reference = await submit(page, outcome === 'consult_recommended');
    await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', outcome);
    await expect(page.locator(`li[data-code="${code}"]`)).toBeVisible();
    await expect(page.getByTestId('lifeline')).toHaveCount(0);

    const row = stored(reference);
    expect(row.outcome).toBe(outcome);
    expect(row.answers.patient.first_name).toBe('Jane');
    expect(row.answers.patient.phone).toBe('2145550182');
    expect(row.answers.clinical.pain_duration).toBe(s.duration);
    expect(row.answers.clinical.treatments).toHaveLength(3);
    expect(row.answers.insurance.member_id).toBe('XYZ123456789');
  });
}

test('an emergency answer shows the emergency message at once and stops the flow', async ({ page }) => {
  const s = baseline();
  s.redFlags.saddle_numbness = 'yes';
  await start(page);
  // Live, before anything is sent.
  await page.check(fid('clinical.red_flags.saddle_numbness'));
  await expect(page.getByRole('alert').filter({ hasText: 'call 911' })).toBeVisible();
  await answerRedFlags(page, s, true);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Possible emergency');
  await expect(page.getByRole('link', { name: 'Call 911' })).toHaveAttribute('href', 'tel:911');
  // After the emergency, the patient may still finish so the clinic can follow up.
  await page.getByRole('link', { name: 'Continue the form later' }).click();
  await answerFromSymptoms(page, s);
  const reference = await submit(page);
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'emergency');
  expect(stored(reference).outcome).toBe('emergency');
});

test('an answer given before the page is interactive reaches the live 911 check, in view', async ({ page }) => {
  await start(page);
  await page.setViewportSize({ width: 390, height: 844 });
  // Hold the WASM back, as a slow phone would, and answer while the page is still inert.
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto('/intake/red-flags');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(0);
  const answer = page.locator(fid('clinical.red_flags.both_legs_symptoms'));
  await answer.check();
  const before = (await answer.boundingBox())!.y;
  release();
  await hydrated(page);
  const alert = page.getByRole('alert').filter({ hasText: 'call 911' });
  await expect(alert).toBeInViewport();
  // The question just answered stayed where it was.
  expect(Math.abs((await answer.boundingBox())!.y - before)).toBeLessThan(4);
});

test('a positive PHQ-9 item 9 shows the 988 lifeline at once and on the result', async ({ page }) => {
  const s = baseline();
  s.mood = { phq9: [1, 1, 2, 1, 0, 0, 1, 0, 2], gad7: [1, 0, 1, 0, 0, 1, 0] };
  await start(page);
  await answerRedFlags(page, s);
  await answerFromSymptoms(page, s);
  await expect(page.getByTestId('lifeline')).toBeVisible();
  const reference = await submit(page);
  await expect(page.getByTestId('lifeline')).toContainText('988');
  const row = stored(reference);
  expect(row.outcome).toBe('clinician_review');
  expect(row.safety_alert).toBe(1);
});

test('errors appear next to the field, instantly and after posting, and nothing is lost', async ({ page }) => {
  await start(page);
  // "None of these" must be chosen on purpose: nothing ticked is an error.
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/red-flags#error-summary$/);
  await expect(page).toHaveTitle(/^Error:/);
  await expect(page.locator('.error-summary li')).toHaveCount(1);
  await expect(page.locator('.error-summary')).toContainText('or select \u201cNone of these\u201d');
  await expect(page.locator('#error-summary')).toBeFocused();
  const group = page.locator(fid('clinical.red_flags'));
  await expect(group).toHaveAttribute('aria-describedby', /f-clinical-red_flags-error/);
  await expectAccessible(page);
  // "None of these" and a sign exclude each other as they are ticked.
  await hydrated(page);
  await page.check(fid('clinical.red_flags.fever_or_chills'));
  await page.check(fid('clinical.red_flags.none'));
  await expect(page.locator(fid('clinical.red_flags.fever_or_chills'))).not.toBeChecked();
  await page.check(fid('clinical.red_flags.recent_trauma'));
  await expect(page.locator(fid('clinical.red_flags.none'))).not.toBeChecked();

  // Instant validation on the about-you step: a bad ZIP is flagged as soon as it changes.
  await page.goto('/intake/about-you');
  await hydrated(page);
  await page.fill(fid('patient.zip'), '7520');
  await page.locator(fid('patient.zip')).blur();
  await expect(page.locator('#f-patient-zip-error')).toContainText('5-digit ZIP');
  await page.fill(fid('patient.zip'), '75201');
  await page.locator(fid('patient.zip')).blur();
  await expect(page.locator('#f-patient-zip-error')).toHaveCount(0);
});

test('the back link opens the previous step with its saved answers', async ({ page }) => {
  const s = baseline();
  await start(page);
  await answerRedFlags(page, s);
  await expect(page.getByRole('button', { name: 'Back', exact: true })).toHaveCount(0);
  await page.check(fid('clinical.symptoms.flare_ups'));
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await expect(page).toHaveURL(/\/intake\/red-flags$/);
  await expect(page.locator(fid('clinical.red_flags.none'))).toBeChecked();
  await page.getByRole('button', { name: 'Save and continue' }).click();
  // As on GOV.UK, a back link does not save the page it leaves.
  await expect(page.locator(fid('clinical.symptoms.flare_ups'))).not.toBeChecked();
});

test('text that closes a textarea comes back as text, before and after hydration', async ({ page, browser }) => {
  const evil = '</textarea><h1>Owned</h1><meta http-equiv="refresh" content="0;url=/learn"> & <b>';
  await start(page);
  await answerRedFlags(page, baseline());
  await page.fill(fid('clinical.symptoms.other'), evil);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/duration$/);
  await page.goto('/intake/symptoms');
  await hydrated(page);
  await expect(page.locator(fid('clinical.symptoms.other'))).toHaveValue(evil);
  await expect(page.getByRole('heading', { name: 'Owned' })).toHaveCount(0);
  // Without JavaScript the server's HTML alone must keep it text (no refresh, no heading).
  const cookies = await page.context().cookies();
  const plain = await browser.newContext({ javaScriptEnabled: false });
  await plain.addCookies(cookies);
  const page2 = await plain.newPage();
  await page2.goto('/intake/symptoms');
  await expect(page2.locator(fid('clinical.symptoms.other'))).toHaveValue(evil);
  await expect(page2.getByRole('heading', { name: 'Owned' })).toHaveCount(0);
  await page2.waitForTimeout(500);
  await expect(page2).toHaveURL(/\/intake\/symptoms$/);
  await plain.close();
});

test('a draft resumes from its link in a new browser', async ({ page, browser }) => {
  const s = baseline();
  await start(page);
  await answerRedFlags(page, s);
  await page.check(fid('clinical.symptoms.radiating_pain'));
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/duration$/);
  // The private link is not on the steps; "Save and come back later" shows it.
  await expect(page.getByTestId('resume-link')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save and come back later' }).click();
  await expect(page).toHaveURL(/\/intake\/saved$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your answers are saved');
  await expectAccessible(page);
  const link = (await page.getByTestId('resume-link').getAttribute('href')) ?? '';
  expect(link).toMatch(/\/intake\/resume\/[0-9a-f]{64}$/);

  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(new URL(link).pathname);
  await expect(page2.getByRole('heading', { level: 1 })).toHaveText('Continue your saved answers');
  await expectAccessible(page2);
  await page2.getByRole('button', { name: 'Continue' }).click();
  await expect(page2).toHaveURL(/\/intake\/duration$/);
  await page2.goto('/intake/symptoms');
  await expect(page2.locator(fid('clinical.symptoms.radiating_pain'))).toBeChecked();
  // The draft moved to a fresh secret in the new browser: the link and the first
  // browser's cookie open nothing any more.
  await page.goto('/intake/symptoms');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find your saved answers');
  const page3 = await (await browser.newContext()).newPage();
  await page3.goto(new URL(link).pathname);
  await page3.getByRole('button', { name: 'Continue' }).click();
  await expect(page3.getByRole('heading', { level: 1 })).toHaveText('We could not find your saved answers');
  // A made-up token finds nothing.
  await page3.goto('/intake/resume/' + '0'.repeat(64));
  await page3.getByRole('button', { name: 'Continue' }).click();
  await expect(page3.getByRole('heading', { level: 1 })).toHaveText('We could not find your saved answers');
  await other.close();
});

test('the whole flow works with JavaScript disabled', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const s = baseline();
  s.redFlags.saddle_numbness = 'yes';
  await page.goto('/intake');
  await page.getByRole('button', { name: 'Start the pre-screening' }).click();
  await answerRedFlags(page, s);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Possible emergency');
  await page.getByRole('link', { name: 'Continue the form later' }).click();
  await answerFromSymptoms(page, s);
  const reference = await submit(page);
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'emergency');
  expect(stored(reference).outcome).toBe('emergency');
  await context.close();
});

test('the flow in Spanish', async ({ page }) => {
  await page.goto('/intake');
  await hydrated(page);
  await page.getByRole('link', { name: 'Español' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await hydrated(page);
  await page.getByRole('button', { name: 'Comenzar la evaluación previa' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Señales de alarma');
  const s = baseline();
  s.medical.pregnant_or_breastfeeding = 'yes';
  await answerRedFlags(page, s);
  await answerFromSymptoms(page, s);
  await expectAccessible(page);
  const reference = await submit(page);
  await expect(page.getByTestId('outcome')).toContainText('Un profesional de salud de la clínica revisará sus respuestas');
  await expect(page.locator('li[data-code="pregnant_or_breastfeeding"]')).toContainText('embarazo');
  expect(stored(reference).answers.locale).toBe('es');
  // The choice is remembered on the next visit.
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
});

test('keyboard only: a patient completes the whole wizard without a mouse', async ({ page }) => {
  useKeyboardOnly(true);
  try {
    await page.goto('/intake');
    await hydrated(page);
    await tabTo(page, 'form[action="/intake/start"] button');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/intake\/red-flags$/);
    await hydrated(page);
    const s = baseline();
    await answerRedFlags(page, s);
    await answerFromSymptoms(page, s);
    const reference = await submit(page);
    await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'consult_recommended');
    expect(stored(reference).answers.patient.date_of_birth).toBe('1980-04-02');
  } finally {
    useKeyboardOnly(false);
  }
});

test('questions appear only when they apply (and all show without JavaScript)', async ({ page, browser }) => {
  await start(page);
  await page.goto('/intake/insurance');
  await hydrated(page);
  const payer = page.locator(fid('insurance.other_payer_name'));
  const member = page.locator(fid('insurance.member_id'));
  const holder = page.locator(fid('insurance.subscriber_name'));
  await expect(member).toBeHidden();
  await page.check(`${fid('insurance.plan')}-cigna`);
  await expect(member).toBeVisible();
  await expect(payer).toBeHidden();
  await page.check(`${fid('insurance.plan')}-other`);
  await expect(payer).toBeVisible();
  await expect(holder).toBeHidden();
  await page.check(`${fid('insurance.subscriber')}-spouse`);
  await expect(holder).toBeVisible();
  await page.check(`${fid('insurance.plan')}-self_pay`);
  await expect(member).toBeHidden();
  await expectAccessible(page);

  await page.goto('/intake/mood');
  await hydrated(page);
  // Nothing is chosen for the patient; the questions come one set per page after
  // "Yes, answer them" (one thing per page).
  await expect(page.locator(`${fid('mood_choice')}-answer`)).not.toBeChecked();
  await expect(page.locator(`${fid('mood_choice')}-skip`)).not.toBeChecked();
  await expect(page.locator(fid('clinical.mood.phq9.8'))).toHaveCount(0);
  await page.check(`${fid('mood_choice')}-answer`);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/mood-1$/);
  await expect(page.locator(fid('clinical.mood.phq9.8'))).toBeVisible();
  await expect(page.locator(fid('clinical.mood.gad7.0'))).toHaveCount(0);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await context.newPage();
  await noJs.goto('/intake');
  await noJs.getByRole('button', { name: 'Start the pre-screening' }).click();
  await noJs.goto('/intake/insurance');
  await expect(noJs.locator(fid('insurance.other_payer_name'))).toBeVisible();
  await expect(noJs.locator(fid('insurance.subscriber_name'))).toBeVisible();
  await context.close();
});

test('without JavaScript, "None of these" with a sign is an error, and the split pages follow the answers', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/intake');
  await page.getByRole('button', { name: 'Start the pre-screening' }).click();
  await page.check(fid('clinical.red_flags.none'));
  await page.check(fid('clinical.red_flags.fever_or_chills'));
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveTitle(/^Error:/);
  await expect(page.locator('#error-summary')).toContainText('not both');
  await page.uncheck(fid('clinical.red_flags.fever_or_chills'));
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/symptoms$/);
  // Two treatments ticked: the next page asks how each worked, and only those.
  await page.goto('/intake/treatments');
  await page.check(fid('clinical.treatments.opioids'));
  await page.check(fid('clinical.treatments.injections'));
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/treatment-results$/);
  await expect(page.locator('fieldset.compact legend')).toHaveText([/Opioid/, /injection/i]);
  // Skipping the mood questions skips their two pages, and Back returns to the choice.
  await page.goto('/intake/mood');
  await page.check(`${fid('mood_choice')}-skip`);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page).toHaveURL(/\/intake\/about-you$/);
  await expect(page.getByRole('link', { name: 'Back', exact: true })).toHaveAttribute('href', '/intake/mood');
  await page.goto('/intake/mood-1');
  await expect(page).toHaveURL(/\/intake\/about-you$/);
  await context.close();
});

test('on a phone the header holds its navigation and nothing overlaps the step', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await start(page);
  const header = (await page.locator('header.site-header').boundingBox())!;
  const nav = (await page.locator('header.site-header nav').boundingBox())!;
  expect(nav.y + nav.height).toBeLessThanOrEqual(header.y + header.height + 1);
  const progress = (await page.locator('.progress-label').boundingBox())!;
  expect(progress.y).toBeGreaterThanOrEqual(header.y + header.height);
  // Each box of a checkbox list keeps its size next to a long label.
  const boxes = await page.locator('fieldset.checks input[type=checkbox]').evaluateAll(
    (els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
  expect(new Set(boxes).size).toBe(1);
});

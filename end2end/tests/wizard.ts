import { Page, expect } from '@playwright/test';
import { execFileSync } from 'child_process';
import { createDecipheriv } from 'crypto';
import { expectAccessible } from './fixtures';

/// One patient's answers, as the wizard asks them.
export type Scenario = {
  redFlags: Partial<Record<string, 'yes' | 'no'>>;
  duration: string;
  pain: [number, number, number, number, number];
  conditions: string[];
  diagnostics: string[];
  treatments: Record<string, string>;
  surgery: 'yes' | 'no';
  medical: Partial<Record<string, 'yes' | 'no'>>;
  mood: { phq9: number[]; gad7: number[] } | null;
  patient: { first: string; last: string; dob: string; phone: string; zip: string };
  plan: string;
};

export const RED_FLAGS = [
  'bladder_or_bowel_change', 'saddle_numbness', 'both_legs_symptoms', 'worsening_leg_weakness',
  'fever_or_chills', 'cancer_history', 'unexplained_weight_loss', 'recent_trauma',
];
export const MEDICAL = [
  'uncontrolled_blood_pressure', 'heart_disease', 'pregnant_or_breastfeeding', 'psychosis', 'bipolar_disorder',
  'liver_disease', 'eye_or_brain_pressure', 'substance_use', 'ketamine_reaction',
];
/// The treatments in the list's order (TreatmentKind).
const TREATMENTS = ['nsaids', 'acetaminophen', 'opioids', 'nerve_pain_medication', 'antidepressants', 'muscle_relaxants',
  'physical_therapy', 'chiropractic', 'injections', 'nerve_ablation', 'spinal_surgery', 'spinal_cord_stimulator', 'other'];
const PAIN = ['current', 'average_week', 'worst_week', 'enjoyment_interference', 'activity_interference'];

/// Two years of neuropathic back pain, three treatments failed: a consult.
export function baseline(): Scenario {
  return {
    redFlags: {},
    duration: 'over_12_months',
    pain: [7, 7, 9, 6, 8],
    conditions: ['neuropathic'],
    diagnostics: ['xray', 'mri_ct'],
    treatments: { nsaids: 'no_relief', physical_therapy: 'some_relief', injections: 'no_relief' },
    surgery: 'no',
    medical: {},
    mood: { phq9: [1, 1, 2, 1, 0, 0, 1, 0, 0], gad7: [1, 0, 1, 0, 0, 1, 0] },
    patient: { first: 'Jane', last: 'Doe', dob: '1980-04-02', phone: '(214) 555-0182', zip: '75201' },
    plan: 'bcbs_tx',
  };
}

/// The element id of an answer path (as the app builds it).
export const fid = (name: string) => `#f-${name.replace(/\./g, '-')}`;

/// How answers are given: with the mouse (Playwright's check/fill) or with the keyboard only.
let keyboardOnly = false;
export function useKeyboardOnly(on: boolean) {
  keyboardOnly = on;
}

/// Presses Tab until the element is focused (the way a keyboard user gets there).
export async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`could not reach ${selector} with Tab`);
}

/// Chooses a radio button (`${group}-${value}`).
async function radio(page: Page, id: string) {
  if (!keyboardOnly) return page.check(id);
  const group = id.slice(0, id.lastIndexOf('-'));
  const ids = await page.locator(`${group} input[type=radio]`).evaluateAll((els) => els.map((e) => '#' + e.id));
  const checked = await page.locator(`${group} input[type=radio]:checked`).count();
  const start = checked ? ids.indexOf('#' + (await page.locator(`${group} input[type=radio]:checked`).getAttribute('id'))) : 0;
  await tabTo(page, ids[start]);
  const target = ids.indexOf(id);
  if (target === start && !checked) await page.keyboard.press('Space');
  for (let i = start; i < target; i++) await page.keyboard.press('ArrowRight');
  for (let i = start; i > target; i--) await page.keyboard.press('ArrowLeft');
  await expect(page.locator(id)).toBeChecked();
}

async function check(page: Page, id: string) {
  if (!keyboardOnly) return page.check(id);
  await tabTo(page, id);
  await page.keyboard.press('Space');
  await expect(page.locator(id)).toBeChecked();
}

async function fill(page: Page, id: string, text: string) {
  if (!keyboardOnly) return page.fill(id, text);
  await tabTo(page, id);
  await page.keyboard.type(text);
  await expect(page.locator(id)).toHaveValue(text);
}

/// Types an ISO date (`1980-04-02`) into a date's three fields: Month, Day, Year.
async function fillDate(page: Page, name: string, iso: string) {
  const [y, m, d] = iso.split('-');
  await fill(page, `${fid(name)}-month`, String(Number(m)));
  await fill(page, `${fid(name)}-day`, String(Number(d)));
  await fill(page, `${fid(name)}-year`, y);
}

async function next(page: Page, expectPath: RegExp, a11y: boolean) {
  if (keyboardOnly) {
    await tabTo(page, 'button[value="next"]');
    await page.keyboard.press('Enter');
  } else {
    await page.getByRole('button', { name: /Save and continue|Guardar y continuar|Submit my answers|Enviar mis respuestas/ }).click();
  }
  await expect(page).toHaveURL(expectPath);
  if (keyboardOnly) await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
  if (a11y) await expectAccessible(page);
}

/// Answers the red-flag step; returns once the next page is shown.
export async function answerRedFlags(page: Page, s: Scenario, a11y = false) {
  // One checkbox list: the signs that apply, or "None of these".
  const ticked = RED_FLAGS.filter((f) => s.redFlags[f] === 'yes');
  for (const f of ticked.length ? ticked : ['none']) await check(page, fid(`clinical.red_flags.${f}`));
  const emergency = ['bladder_or_bowel_change', 'saddle_numbness', 'both_legs_symptoms'].some((f) => s.redFlags[f] === 'yes');
  await next(page, emergency ? /\/intake\/stop$/ : /\/intake\/symptoms$/, a11y);
}

/// Answers every step from "symptoms" to the review page.
export async function answerFromSymptoms(page: Page, s: Scenario, a11y = false) {
  await check(page, fid('clinical.symptoms.shooting_pain_bending_lifting'));
  await check(page, fid('clinical.symptoms.morning_stiffness'));
  await next(page, /\/intake\/duration$/, a11y);

  await radio(page, `${fid('clinical.pain_duration')}-${s.duration}`);
  await next(page, /\/intake\/pain$/, a11y);

  for (let i = 0; i < PAIN.length; i++) await radio(page, `${fid(`clinical.pain.${PAIN[i]}`)}-${s.pain[i]}`);
  await next(page, /\/intake\/history$/, a11y);

  for (const c of s.conditions) await check(page, `${fid('clinical.conditions')}-${c}`);
  for (const d of s.diagnostics) await check(page, `${fid('clinical.diagnostics')}-${d}`);
  await next(page, /\/intake\/treatments$/, a11y);

  // Which were tried (checkboxes), then how each worked, in the list's order.
  const tried = TREATMENTS.filter((k) => s.treatments[k]);
  for (const kind of tried.length ? tried : ['none']) await check(page, fid(`clinical.treatments.${kind}`));
  await next(page, /\/intake\/treatment-results$/, a11y);
  for (let i = 0; i < tried.length; i++) await radio(page, `${fid(`clinical.treatments.${i}.result`)}-${s.treatments[tried[i]]}`);
  await radio(page, `${fid('clinical.upcoming_surgery')}-${s.surgery}`);
  await next(page, /\/intake\/medical$/, a11y);

  for (const m of MEDICAL) await radio(page, `${fid(`clinical.medical.${m}`)}-${s.medical[m] ?? 'no'}`);
  await fill(page, fid('clinical.medical.medications'), 'gabapentin 300 mg');
  await next(page, /\/intake\/mood$/, a11y);

  if (s.mood === null) {
    await radio(page, `${fid('mood_choice')}-skip`);
  } else {
    // The choice, then one set of questions per page.
    await radio(page, `${fid('mood_choice')}-answer`);
    await next(page, /\/intake\/mood-1$/, a11y);
    for (let i = 0; i < 9; i++) await radio(page, `${fid(`clinical.mood.phq9.${i}`)}-${s.mood.phq9[i]}`);
    await next(page, /\/intake\/mood-2$/, a11y);
    for (let i = 0; i < 7; i++) await radio(page, `${fid(`clinical.mood.gad7.${i}`)}-${s.mood.gad7[i]}`);
  }
  await next(page, /\/intake\/about-you$/, a11y);

  await fill(page, fid('patient.first_name'), s.patient.first);
  await fill(page, fid('patient.last_name'), s.patient.last);
  await fillDate(page, 'patient.date_of_birth', s.patient.dob);
  await radio(page, `${fid('patient.sex_at_birth')}-female`);
  await fill(page, fid('patient.phone'), s.patient.phone);
  await fill(page, fid('patient.zip'), s.patient.zip);
  await radio(page, `${fid('patient.preferred_contact')}-phone`);
  await next(page, /\/intake\/insurance$/, a11y);

  await radio(page, `${fid('insurance.plan')}-${s.plan}`);
  if (s.plan !== 'self_pay') await fill(page, fid('insurance.member_id'), 'XYZ123456789');
  await radio(page, `${fid('insurance.subscriber')}-self`);
  await next(page, /\/intake\/consent$/, a11y);

  await check(page, fid('consent.privacy_notice'));
  await check(page, fid('consent.contact'));
  await check(page, fid('consent.attestation'));
  await fill(page, fid('consent.signature'), `${s.patient.first} ${s.patient.last}`);
  await next(page, /\/intake\/review$/, a11y);
}

/// Submits the review page and returns the reference shown on the result page.
export async function submit(page: Page, a11y = false): Promise<string> {
  await next(page, /\/intake\/result$/, a11y);
  const reference = (await page.getByTestId('reference').textContent())?.trim() ?? '';
  expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  return reference;
}

/// Opens a value the server sealed (`enc:v1:<key id>:<nonce>:<ciphertext+tag>`, AES-256-GCM
/// with the record id as associated data) with the key scripts/e2e.sh gave the server:
/// proof that what is on disk is ciphertext only that key opens.
function unseal(sealed: string, aad: string): string {
  const [enc, v1, keyId, nonce, body] = sealed.split(':');
  expect(`${enc}:${v1}`, 'a sealed value').toBe('enc:v1');
  const spec = process.env.ENCRYPTION_KEYS ?? '';
  const key = spec.split(',').map((e) => e.split(':')).find(([id]) => id === keyId)?.[1];
  if (!key) throw new Error(`no key ${keyId} in ENCRYPTION_KEYS`);
  const data = Buffer.from(body, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64'), Buffer.from(nonce, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/// The stored intake, read straight from the test server's SQLite file.
export function stored(reference: string): { outcome: string; safety_alert: number; answers: any } {
  const db = process.env.E2E_DB;
  if (!db) throw new Error('E2E_DB is not set: run the browser tests through scripts/e2e.sh');
  const compact = reference.replace('-', '');
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', db,
    `SELECT i.id, s.outcome, s.safety_alert, i.answers FROM intakes i JOIN screening_results s ON s.intake_id = i.id WHERE i.reference = '${compact}'`,
  ]).toString();
  const rows = JSON.parse(out || '[]');
  expect(rows.length, `stored intake ${reference}`).toBe(1);
  expect(rows[0].answers, 'answers are not stored in the clear').not.toContain('patient');
  const answers = JSON.parse(unseal(rows[0].answers, `intakes:${rows[0].id}:answers`));
  return { outcome: rows[0].outcome, safety_alert: rows[0].safety_alert, answers };
}

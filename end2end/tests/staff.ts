import { APIRequestContext, Page, expect } from '@playwright/test';
import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';
import { hydrated } from './fixtures';

/// RFC 4648 base32 (no padding) to bytes, as authenticator apps read the key.
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

const nowStep = () => Math.floor(Date.now() / 1000 / 30);

/// The six-digit RFC 6238 code (SHA-1, 30 s) of a time step.
export function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  const n = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/// A second factor the server has not seen yet: a code is accepted once, for the current
/// step or one step either side, so quick successive sign-ins use the next step's code
/// and, when that is used too, one of the account's recovery codes.
export function freshCode(who: Account): string {
  const step = Math.max(nowStep(), (who.lastStep ?? -1) + 1);
  if (step <= nowStep() + 1) {
    who.lastStep = step;
    return totp(who.secret!, step);
  }
  const code = who.recovery?.shift();
  if (!code) throw new Error('no second factor left');
  return code;
}

export function dbPath(): string {
  const db = process.env.E2E_DB;
  if (!db) throw new Error('E2E_DB is not set: run the browser tests through scripts/e2e.sh');
  return db;
}

/// Creates an account with the command line, as a clinic does for its first admin; in
/// the main server's database unless another is named.
export function addUser(email: string, name: string, role: string, password: string, db: string = dbPath()) {
  execFileSync('../target/debug/pain-intake', ['user', 'add', '--database-url', `sqlite://${db}`,
    '--email', email, '--name', name, '--role', role], { input: `${password}\n` });
}

export type Account = { email: string; password: string; secret?: string; lastStep?: number; recovery?: string[] };

/// Password step; lands on the two-factor or enrolment page.
export async function passwordStep(page: Page, who: Account) {
  await page.goto('/staff/sign-in');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/// First sign-in: password, then two-factor enrolment; returns the TOTP secret.
export async function signInAndEnrol(page: Page, who: Account): Promise<string> {
  await passwordStep(page, who);
  await expect(page).toHaveURL(/\/staff\/enrol$/);
  await hydrated(page);
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  who.secret = secret;
  await page.getByLabel('Six-digit code').fill(freshCode(who));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  who.recovery = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) => c.trim());
  await page.getByRole('link', { name: /go to the queue/ }).click();
  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible();
  return secret;
}

/// A later sign-in: password, then the current code.
export async function signIn(page: Page, who: Account) {
  await passwordStep(page, who);
  await expect(page).toHaveURL(/\/staff\/two-factor$/);
  await hydrated(page);
  await page.getByLabel('Code from your authenticator app').fill(freshCode(who));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible();
  await hydrated(page);
}

const CLINICAL = {
  red_flags: {
    bladder_or_bowel_change: false, saddle_numbness: false, both_legs_symptoms: false, worsening_leg_weakness: false,
    fever_or_chills: false, cancer_history: false, unexplained_weight_loss: false, recent_trauma: false,
  },
  symptoms: {
    shooting_pain_bending_lifting: true, severe_pain_turning_in_bed: true, flare_ups: true, morning_stiffness: true,
    radiating_pain: true, other: '',
  },
  pain_duration: 'over_12_months',
  pain: { current: 7, average_week: 7, worst_week: 9, enjoyment_interference: 6, activity_interference: 8 },
  conditions: ['neuropathic'],
  diagnostics: ['xray', 'mri_ct', 'emg'],
  treatments: [
    { kind: 'nsaids', result: 'no_relief' }, { kind: 'physical_therapy', result: 'some_relief' },
    { kind: 'injections', result: 'no_relief' },
  ],
  upcoming_surgery: false,
  medical: {
    uncontrolled_blood_pressure: false, heart_disease: false, pregnant_or_breastfeeding: false, psychosis: false,
    bipolar_disorder: false, liver_disease: false, eye_or_brain_pressure: false, substance_use: false,
    ketamine_reaction: false, medications: 'gabapentin 300 mg', allergies: '',
  },
  mood: { phq9: [1, 1, 2, 1, 0, 0, 1, 0, 0], gad7: [1, 0, 1, 0, 0, 1, 0] },
};

/// Submits an intake through the JSON API; returns its reference.
export async function submitIntake(
  request: APIRequestContext,
  first: string,
  last: string,
  opts: { emergency?: boolean; plan?: string; selfHarm?: boolean } = {},
): Promise<string> {
  return (await createIntake(request, first, last, opts)).reference;
}

/// Submits an intake through the JSON API; returns the 201's body.
export async function createIntake(
  request: APIRequestContext,
  first: string,
  last: string,
  opts: { emergency?: boolean; plan?: string; selfHarm?: boolean } = {},
): Promise<{ reference: string; outcome: string; booking_token?: string }> {
  const clinical = JSON.parse(JSON.stringify(CLINICAL));
  if (opts.emergency) clinical.red_flags.saddle_numbness = true;
  // PHQ-9 item 9 above 0: a safety alert, which opens a safety follow-up.
  if (opts.selfHarm) clinical.mood.phq9[8] = 1;
  const plan = opts.plan ?? 'bcbs_tx';
  const body = {
    schema_version: 1,
    locale: 'en',
    patient: {
      first_name: first, last_name: last, date_of_birth: '1980-04-02', sex_at_birth: 'female',
      email: null, phone: '(214) 555-0182', zip: '75201', preferred_contact: 'phone',
    },
    clinical,
    insurance: plan === 'self_pay'
      ? { plan, other_payer_name: null, member_id: null, group_number: null, subscriber: 'self', subscriber_name: null, subscriber_date_of_birth: null }
      : { plan, other_payer_name: null, member_id: 'XYZ123456789', group_number: null, subscriber: 'self', subscriber_name: null, subscriber_date_of_birth: null },
    consent: { privacy_notice: true, contact: true, attestation: true, signature: `${first} ${last}` },
  };
  const res = await request.post('/api/v1/intakes', { data: body });
  expect(res.status()).toBe(201);
  return res.json();
}

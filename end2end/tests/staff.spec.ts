import { test, expect, hydrated, expectAccessible } from './fixtures';
import { Account, addUser, dbPath, passwordStep, signIn, signInAndEnrol, submitIntake } from './staff';
import { answerFromSymptoms, answerRedFlags, baseline, submit } from './wizard';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';

// One clinic, set up step by step: the tests share accounts and run in order. Each
// test signs in through two factors (argon2 on a debug build), so they get more time.
test.describe.configure({ mode: 'serial', timeout: 90_000 });

const stamp = Date.now().toString(36);
const admin: Account = { email: `admin-${stamp}@clinic.test`, password: 'admin passphrase for tests' };
const clinician: Account = { email: `clin-${stamp}@clinic.test`, password: 'clinician passphrase here' };
const frontDesk: Account = { email: `desk-${stamp}@clinic.test`, password: 'front desk passphrase ok' };
const patients = { routine: `Routine${stamp}`, emergency: `Urgent${stamp}` };
let routineRef = '';

test('anonymous visitors are sent to sign-in, which is accessible', async ({ page }) => {
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/sign-in$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Staff sign-in' })).toBeVisible();
  await expectAccessible(page);
});

test('an admin signs in with a password and TOTP, and invites a clinician', async ({ page, browser }) => {
  addUser(admin.email, 'Ana Admin', 'admin', admin.password);
  await signInAndEnrol(page, admin);
  await expectAccessible(page);

  // Sign out, and in again with a code from the authenticator.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('flash')).toHaveText('You are signed out.');
  await signIn(page, admin);
  await expect(page.getByTestId('staff-me')).toContainText('Ana Admin');

  // Invite the clinician.
  await page.getByRole('link', { name: 'Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Staff accounts' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Name').fill('Carl Clinician');
  await page.getByLabel('E-mail').fill(clinician.email);
  await page.getByLabel('Role', { exact: true }).selectOption('clinician');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = (await page.getByTestId('invite-link').textContent())!.trim();
  await expect(page.locator(`[data-testid="user-row"][data-email="${clinician.email}"]`)).toContainText('Invited');
  await expectAccessible(page);

  // The clinician opens the link in their own browser, chooses a password and enrols.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(new URL(link).pathname);
  await hydrated(p2);
  await p2.getByLabel('New password').fill('short');
  await p2.getByLabel('The same password again').fill('short');
  // The browser's own minlength check would stop this post; the server's rule is the one under test.
  await p2.locator('form').evaluate((f: HTMLFormElement) => f.setAttribute('novalidate', ''));
  await p2.getByRole('button', { name: 'Set password' }).click();
  await expect(p2.getByTestId('flash')).toContainText('at least 12 characters');
  await p2.getByLabel('New password').fill(clinician.password);
  await p2.getByLabel('The same password again').fill(clinician.password);
  await p2.getByRole('button', { name: 'Set password' }).click();
  await expect(p2.getByTestId('flash')).toContainText('Your password is set');
  await signInAndEnrol(p2, clinician);
  await other.close();
});

test('a clinician filters the queue, opens a submission, adds a note and changes its status', async ({ page, request }) => {
  routineRef = await submitIntake(request, patients.routine, 'Doe');
  const emergencyRef = await submitIntake(request, patients.emergency, 'Roe', { emergency: true });
  await signIn(page, clinician);

  // The open emergency is pinned above the newer routine submission.
  const rows = page.getByTestId('queue-row');
  await expect(rows.first()).toHaveAttribute('data-reference', emergencyRef);
  await expectAccessible(page);

  await page.getByLabel('Name or reference').fill(patients.routine.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-reference', routineRef);
  // The search text is kept on the server, never in the address bar.
  expect(page.url()).not.toContain(patients.routine.toLowerCase());

  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { name: `Submission ${routineRef}` })).toBeVisible();
  await hydrated(page);
  await expect(page.getByTestId('outcome')).toHaveText('Consult recommended');
  await expect(page.getByTestId('clinical')).toContainText('PHQ-9');
  await expectAccessible(page);

  await page.getByLabel('Add a note').fill('Called the patient <b>twice</b>; left a voicemail.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('flash')).toHaveText('Note added.');
  await expect(page.getByTestId('notes')).toContainText('Called the patient <b>twice</b>; left a voicemail.');

  await page.getByLabel('Move to').selectOption('in_review');
  await page.getByRole('button', { name: 'Change status' }).click();
  await expect(page.getByTestId('flash')).toHaveText('Status changed.');
  await expect(page.getByTestId('status')).toHaveText('In review');
  await expect(page.getByTestId('history')).toContainText('New → In review by Carl Clinician');

  // Back in the queue (filters kept) the row shows the new status.
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByTestId('queue-row').first()).toContainText('In review');
});

test('front desk sees contact and insurance details, never clinical answers', async ({ page }) => {
  addUser(frontDesk.email, 'Fran Desk', 'front_desk', frontDesk.password);
  await signInAndEnrol(page, frontDesk);
  await page.goto(`/staff/submissions/${routineRef}`);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: `Submission ${routineRef}` })).toBeVisible();
  await expect(page.getByText('XYZ123456789')).toBeVisible();
  await expect(page.getByTestId('clinical')).toHaveCount(0);
  const html = await page.content();
  for (const secret of ['PHQ-9', 'gabapentin', 'Consult recommended', 'chronic_refractory_pain', 'Safety alert']) {
    expect(html, `front desk page shows ${secret}`).not.toContain(secret);
  }
  await expect(page.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  // Fetched with the page's session (a navigation would log the 403 as a console error).
  const res = await page.request.get('/staff/audit', { maxRedirects: 0 });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('Not allowed');
});

test('an admin downloads the queue CSV and a FHIR bundle, and both are audited', async ({ page }) => {
  await signIn(page, admin);
  await page.getByLabel('Name or reference').fill(routineRef);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('queue-row')).toHaveCount(1);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('reference,name,age,outcome,safety_alert,priority,plan,verification,status,received,assignee,consult');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`${routineRef},"Doe, ${patients.routine}"`);

  await page.goto(`/staff/submissions/${routineRef}`);
  await hydrated(page);
  const [fhir] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download FHIR bundle' }).click()]);
  const bundle = JSON.parse(readFileSync((await fhir.path())!, 'utf8'));
  expect(bundle.resourceType).toBe('Bundle');
  const types = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
  expect(types).toEqual(['Patient', 'QuestionnaireResponse', 'Coverage', 'Observation', 'Observation', 'Observation', 'Consent']);
  const codes = bundle.entry.flatMap((e: any) => e.resource.code?.coding?.map((c: any) => c.code) ?? []);
  expect(codes).toEqual(expect.arrayContaining(['44261-6', '70274-6']));

  await page.getByRole('link', { name: 'Audit log' }).click();
  await hydrated(page);
  await expect(page.getByTestId('chain')).toContainText('Chain verified');
  await expect(page.locator('[data-testid="audit-row"][data-action="export_csv"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="audit-row"][data-action="export_fhir"]')).toHaveCount(1);
  await expectAccessible(page);
});

test('the page warns before the idle sign-out and can keep the session', async ({ page }) => {
  await page.clock.install();
  await signIn(page, admin);
  await expect(page.getByTestId('idle-warning')).toHaveCount(0);
  await page.clock.fastForward('13:01');
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(page.getByTestId('idle-warning')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible();
});

test('a wrong password gets the same answer as an unknown account', async ({ page }) => {
  await passwordStep(page, { email: admin.email, password: 'not the right passphrase' });
  const wrong = await page.getByTestId('flash').textContent();
  await passwordStep(page, { email: `nobody-${stamp}@clinic.test`, password: 'not the right passphrase' });
  await expect(page.getByTestId('flash')).toHaveText(wrong!);
});

/// A payer's 271 for one of our 270s: active coverage with a copay, echoing the trace.
function response271(reference: string, last: string, first: string): string {
  const trace = reference.replace('-', '');
  const body = [
    'ST*271*0001*005010X279A1', 'BHT*0022*11*REQ0001*20261123*1415', 'HL*1**20*1',
    'NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980', 'HL*2*1*21*1',
    'NM1*1P*2*TEST PAIN CLINIC*****XX*1234567893', 'HL*3*2*22*0', `TRN*2*${trace}*9CLINIC001`,
    `NM1*IL*1*${last.toUpperCase()}*${first.toUpperCase()}****MI*XYZ123456789`, 'DMG*D8*19800402',
    'DTP*346*D8*20260101', 'EB*1*IND*30^98*PR*BLUE CHOICE PPO', 'EB*B*IND*98*PR**27*40*****Y',
    'EB*C*IND*30*PR**29*1200*****Y',
  ];
  const segments = [
    'ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLINICSUBMIT   *261123*1415*^*00501*000000523*0*T*:',
    'GS*HB*CLEARINGHOUSE*CLINICSUBMIT*20261123*1415*523*X*005010X279A1',
    ...body, `SE*${body.length + 1}*0001`, 'GE*1*523', 'IEA*1*000000523',
  ];
  return segments.join('~\n') + '~\n';
}

test('front desk downloads the 270, uploads the 271, confirms, and the queue shows the status', async ({ page, request }) => {
  const reference = await submitIntake(request, `Payer${stamp}`, 'Lopez');
  await signIn(page, frontDesk);
  await page.goto(`/staff/submissions/${reference}`);
  await hydrated(page);
  await expect(page.getByTestId('verification')).toHaveText('Unverified');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download X12 270 inquiry' }).click()]);
  const inquiry = readFileSync((await download.path())!, 'utf8');
  expect(inquiry).toMatch(/^ISA\*/);
  expect(inquiry).toContain('NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980~');
  expect(inquiry).toContain(`TRN*1*${reference.replace('-', '')}*9CLINIC001~`);
  // SE01 counts the segments from ST to SE inclusive.
  const segments = inquiry.split('~').map((x) => x.trim()).filter((x) => x);
  const st = segments.findIndex((x) => x.startsWith('ST*270*'));
  const se = segments.findIndex((x) => x.startsWith('SE*'));
  expect(Number(segments[se].split('*')[1])).toBe(se - st + 1);

  await page.getByLabel("Upload the payer's X12 271 response").setInputFiles({
    name: 'response.271', mimeType: 'text/plain', buffer: Buffer.from(response271(reference, 'Lopez', `Payer${stamp}`)),
  });
  await page.getByRole('button', { name: 'Read 271' }).click();
  await expect(page.getByTestId('flash')).toContainText('The 271 response was read');
  await expect(page.getByTestId('suggestion')).toContainText('member ID XYZ123456789');
  await expect(page.getByLabel('Coverage status')).toHaveValue('active');
  await expect(page.getByLabel('Copay')).toHaveValue('$40 per visit in network');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm verification' }).click();
  await expect(page.getByTestId('flash')).toHaveText('Verification saved.');
  await expect(page.getByTestId('verification')).toHaveText('Active');
  await expect(page.getByTestId('verification-history')).toContainText('Active, BLUE CHOICE PPO, copay $40 per visit in network (x12_271) by Fran Desk');

  await page.getByRole('link', { name: 'Queue' }).click();
  await page.getByLabel('Verification').selectOption('active');
  await page.getByLabel('Name or reference').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator(`[data-testid="queue-row"][data-reference="${reference}"]`)).toContainText('Active');
});

test('a rejected 271 shows the action staff must take', async ({ page, request }) => {
  const reference = await submitIntake(request, `Reject${stamp}`, 'Ng');
  await signIn(page, frontDesk);
  await page.goto(`/staff/submissions/${reference}`);
  await hydrated(page);
  const rejected = response271(reference, 'Ng', `Reject${stamp}`)
    .replace(/EB\*[^~]*~\n/g, '')
    .replace('DTP*346*D8*20260101~\n', 'AAA*Y**72*C~\n')
    .replace(/SE\*\d+\*/, (m) => `SE*${12}*`);
  await page.getByLabel("Upload the payer's X12 271 response").setInputFiles({ name: 'r.271', mimeType: 'text/plain', buffer: Buffer.from(rejected) });
  await page.getByRole('button', { name: 'Read 271' }).click();
  await expect(page.getByTestId('actions')).toContainText('AAA 72');
  await expect(page.getByLabel('Coverage status')).toHaveValue('not_found');
});

test('a patient adds a card photo (a renamed text file is refused) and front desk sees it', async ({ page, browser }) => {
  const s = baseline();
  s.patient.first = `Card${stamp}`;
  await page.goto('/intake');
  await hydrated(page);
  await page.getByRole('button', { name: 'Start the pre-screening' }).click();
  await answerRedFlags(page, s);
  await answerFromSymptoms(page, s);
  await page.goto('/intake/insurance');
  await hydrated(page);
  await page.getByRole('button', { name: 'Add photos of my card' }).click();
  await expect(page).toHaveURL(/\/intake\/cards$/);
  await hydrated(page);
  await expectAccessible(page);

  await page.getByLabel('Front of the card').setInputFiles({ name: 'card.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('hello, this is not an image') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('card-message')).toContainText('not a photo we can read');
  await expect(page.getByTestId('card-sides').locator('li')).toHaveCount(0);

  // A 1×1 PNG, with a text chunk that must not survive.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  await page.getByLabel('Front of the card').setInputFiles({ name: 'front.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByTestId('card-message')).toHaveText('Photo saved.');
  await expect(page.getByTestId('card-sides')).toContainText('Front: saved');
  await page.goto('/intake/review');
  const reference = await submit(page);
  const sealed = execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbPath(), `SELECT data FROM card_images c JOIN intakes i ON i.id = c.intake_id WHERE i.reference = '${reference.replace('-', '')}'`]).toString();
  expect(sealed).toMatch(/^enc:v1:e2e-1:/);

  const staff = await browser.newContext();
  const desk = await staff.newPage();
  await signIn(desk, frontDesk);
  await desk.goto(`/staff/submissions/${reference}`);
  await hydrated(desk);
  const image = await desk.request.get(`/staff/submissions/${reference}/card/front`);
  expect(image.status()).toBe(200);
  expect(image.headers()['content-type']).toBe('image/png');
  expect(image.headers()['cache-control']).toBe('no-store');
  expect(Buffer.compare(await image.body(), png)).toBe(0);
  await staff.close();
  // Nobody else: an anonymous request is sent to sign in.
  const anonymous = await page.request.get(`/staff/submissions/${reference}/card/front`, { maxRedirects: 0 });
  expect(anonymous.status()).toBe(303);
});

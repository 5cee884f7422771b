import { test, expect, hydrated, expectAccessible } from './fixtures';
import { Account, addUser, signInAndEnrol, submitIntake } from './staff';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { readFileSync } from 'fs';

// Real-time eligibility (eligibility-realtime.md) in the browser. scripts/e2e.sh starts a
// second app (E2E_ELIGIBILITY_PORT, its own database) whose ELIGIBILITY_ENDPOINT is the
// CAQH CORE server below, run inside this test process on E2E_CORE_PORT and speaking the
// SOAP envelope. The Rust tests check every envelope field against a stricter server;
// this one checks the fields a clearinghouse would refuse without, and answers as the
// test tells it: the payer's system down (ErrorCode ReceiverDown), or the 271.
test.describe.configure({ timeout: 120_000 });

const appPort = process.env.E2E_ELIGIBILITY_PORT;
const corePort = Number(process.env.E2E_CORE_PORT);
const appDb = process.env.E2E_ELIGIBILITY_DB;
if (!appPort || !corePort || !appDb) {
  throw new Error('E2E_ELIGIBILITY_PORT, E2E_ELIGIBILITY_DB and E2E_CORE_PORT are not set: run through scripts/e2e.sh');
}
test.use({ baseURL: `http://127.0.0.1:${appPort}` });

const ACTIVE_271 = readFileSync('../tests/fixtures/x12/active_cigna.271', 'utf8');
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const CORE = 'http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd';

type Answer = 'receiver-down' | '271';
let answer: Answer = 'receiver-down';
const received: { payloadId: string; answered: Answer }[] = [];
const problems: string[] = [];
let server: Server;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const field = (xml: string, name: string) => xml.match(new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`))?.[1];

function reply(res: ServerResponse, fields: [string, string][]) {
  const inner = fields.map(([n, v]) => `<${n}>${escape(v)}</${n}>`).join('');
  res.writeHead(200, { 'content-type': 'application/soap+xml; charset=UTF-8' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP12}"><soap:Body>` +
    `<ns1:COREEnvelopeRealTimeResponse xmlns:ns1="${CORE}">${inner}</ns1:COREEnvelopeRealTimeResponse></soap:Body></soap:Envelope>`);
}

function core(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const payload = body.match(/<Payload><!\[CDATA\[([\s\S]*?)\]\]><\/Payload>/)?.[1] ?? '';
    const payloadId = field(body, 'PayloadID') ?? '';
    const wrong = [
      req.method !== 'POST' && `method ${req.method}`,
      req.headers['content-type'] !== 'application/soap+xml; charset=UTF-8' && `content-type ${req.headers['content-type']}`,
      field(body, 'Username') !== 'core-e2e' && 'Username',
      field(body, 'Password') !== 'core-e2e-password' && 'Password',
      field(body, 'PayloadType') !== 'X12_270_Request_005010X279A1' && 'PayloadType',
      field(body, 'ProcessingMode') !== 'RealTime' && 'ProcessingMode',
      field(body, 'SenderID') !== 'CLINICSUBMIT' && 'SenderID',
      field(body, 'ReceiverID') !== 'CLEARINGHOUSE' && 'ReceiverID',
      field(body, 'CORERuleVersion') !== '2.2.0' && 'CORERuleVersion',
      !/^[0-9a-f-]{36}$/.test(payloadId) && 'PayloadID',
      !(payload.startsWith('ISA*') && payload.includes('~ST*270*')) && 'the 270',
    ].filter(Boolean) as string[];
    if (wrong.length) {
      problems.push(...wrong);
      res.writeHead(400).end('the request breaks the CORE rule');
      return;
    }
    received.push({ payloadId, answered: answer });
    const common: [string, string][] = [
      ['ProcessingMode', 'RealTime'], ['PayloadID', payloadId], ['TimeStamp', new Date().toISOString().slice(0, 19) + 'Z'],
      ['SenderID', 'CLEARINGHOUSE'], ['ReceiverID', 'CLINICSUBMIT'], ['CORERuleVersion', '2.2.0'],
    ];
    if (answer === '271') {
      reply(res, [['PayloadType', 'X12_271_Response_005010X279A1'], ...common, ['ErrorCode', 'Success'],
        ['ErrorMessage', ''], ['Payload', ACTIVE_271]]);
    } else {
      reply(res, [['PayloadType', ''], ...common, ['ErrorCode', 'ReceiverDown'],
        ['ErrorMessage', 'The payer is down for maintenance'], ['Payload', '']]);
    }
  });
}

test.beforeAll(async () => {
  server = createServer(core);
  await new Promise<void>((resolve) => server.listen(corePort, '127.0.0.1', resolve));
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const stamp = Date.now().toString(36);
const desk: Account = { email: `elig-${stamp}@clinic.test`, password: 'front desk eligibility phrase' };

test('a failed check shows its reason and the files; "Check now" then fills the verification', async ({ page, request }) => {
  // The intake queues a check in its transaction; the app's worker sends it within
  // seconds, and the payer's system is down.
  answer = 'receiver-down';
  const reference = await submitIntake(request, `Elig${stamp}`, 'Patient');
  addUser(desk.email, 'Dana Desk', 'front_desk', desk.password, appDb);
  await signInAndEnrol(page, desk);
  await expect(async () => {
    await page.goto(`/staff/submissions/${reference}`);
    await expect(page.getByTestId('eligibility-attempts')).toContainText('ReceiverDown', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const attempts = page.getByTestId('eligibility-attempts');
  await expect(attempts).toContainText('Will retry');
  await expect(attempts).toContainText('The payer is down for maintenance');
  await expect(attempts).toContainText('try 1 of 8, the next in 1 min');
  await expect(page.getByTestId('realtime-fallback')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download X12 270 inquiry' })).toBeVisible();
  await expect(page.getByLabel("Upload the payer's X12 271 response")).toBeVisible();
  await expect(page.getByTestId('verification')).toHaveText('Unverified');
  await hydrated(page);
  await expectAccessible(page);

  // The payer is back: "Check now" asks at once and the 271 is saved by the system.
  answer = '271';
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('verification')).toHaveText('Active');
  await expect(page.getByTestId('verification-history')).toContainText('(realtime) by system');
  await expect(page.getByTestId('eligibility-attempts').locator('li').first()).toContainText('Coverage active');
  await expect(page.getByTestId('realtime-fallback')).toHaveCount(0);
  expect(problems).toEqual([]);
  // The worker's retry a minute later may also have come by on a slow machine.
  expect(received[0].answered).toBe('receiver-down');
  expect(received[received.length - 1].answered).toBe('271');
  expect(new Set(received.map((r) => r.payloadId)).size).toBe(received.length);
});

// Turns one `make bench` run (oha JSON, Chromium page figures, peak RSS, machine facts,
// the scale runs) into the report: printed, and written to BENCHMARKS.md. Exits 1 when a
// budget is missed.
//
// Every latency budget is a ratio to a floor measured in the same run, so the report
// judges the app and not the machine: a page's p99 against the static file's p99, an
// intake against the bare INSERT, the million-submission queue against the static file at
// the same 16 connections on the same server. Each ratio is the absolute budget the
// project set, divided by the floor the reference machine measured (REFERENCE below); the
// absolute figures are still printed, marked informational. Memory and size budgets stay
// absolute (they do not depend on the CPU), as do failed requests.
//
// Usage: node bench/report.cjs RUN_DIR OUT.md
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, out] = process.argv.slice(2);
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const machine = Object.fromEntries(
  read('machine.txt').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const rss = Object.fromEntries(
  read('rss.txt').trim().split('\n').map((l) => l.split(' ')).map(([n, kb]) => [n, Number(kb) / 1024]),
);
const pages = JSON.parse(read('pages.json'));

function oha(name) {
  const j = JSON.parse(read(`oha/${name}.json`));
  const codes = j.statusCodeDistribution || {};
  const total = Object.values(codes).reduce((a, n) => a + n, 0);
  const good = Object.entries(codes)
    .filter(([c]) => c.startsWith('2') || c.startsWith('3'))
    .reduce((a, [, n]) => a + n, 0);
  const errors = Object.values(j.errorDistribution || {}).reduce((a, n) => a + n, 0);
  return {
    name,
    requests: total + errors,
    failed: total - good + errors,
    rps: j.summary.requestsPerSec,
    p50: j.latencyPercentiles.p50 * 1000,
    p99: j.latencyPercentiles.p99 * 1000,
  };
}

const rows = [
  ['static file (floor)', 'static-floor'],
  ['home page', 'home'],
  ['education page', 'education'],
  ['wizard first step', 'wizard-first-step'],
  ['POST /api/v1/screening', 'screening'],
  ['bare INSERT, SQLite (floor)', 'insert-floor-sqlite'],
  ['POST /api/v1/intakes, SQLite', 'intakes-sqlite'],
  ['bare INSERT, PostgreSQL (floor)', 'insert-floor-postgresql'],
  ['POST /api/v1/intakes, PostgreSQL', 'intakes-postgresql'],
  ['staff queue, 10,000 submissions, SQLite', 'staff-queue-sqlite'],
  ['staff queue, 10,000 submissions, PostgreSQL', 'staff-queue-postgresql'],
  ['staff sign-in (argon2id)', 'sign-in'],
].map(([label, name]) => ({ label, ...oha(name) }));
const by = Object.fromEntries(rows.map((r) => [r.name, r]));

const f0 = (x) => (x === null || x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));
const kb = (b) => (b ? (b / 1024).toFixed(1) : '0');

// The machine whose run turned the absolute budgets into ratios (BENCHMARKS.md says which).
const REFERENCE = {
  machine: 'AMD EPYC, 2 cores (commit 9096910, 2026-11-24)',
  static_p99_64: 10.7, // static file p99 at 64 connections, ms
  education_readable: 1316, // education page readable on the slow phone, ms
  // The million-row budget (50 ms) came later and was measured only on the Intel Xeon:
  // the static file's median at 16 connections beside those runs, SQLite 1.8 ms and
  // PostgreSQL 1.6 ms (commit a02ecb6, 2026-12-05), their mean. Its median, not its p99:
  // on this machine the p99 of that floor was 10.0 and 7.9 ms in one run and 3.8 to
  // 5.1 ms in five others (2026-12-06), while the median stayed between 1.6 and 2.1 ms.
  // A floor that moves 2.5× between runs of the same machine judges the run, not the app.
  static_p50_16: (1.8 + 1.6) / 2,
  scale_machine: 'Intel Xeon, 2 cores (commit a02ecb6, 2026-12-05)',
};
const ratio = (budgetMs, floorMs) => Math.round((budgetMs / floorMs) * 10) / 10;
const PAGE_P99 = ratio(25, REFERENCE.static_p99_64); // 25 ms on the reference machine
const QUEUE_P99 = ratio(50, REFERENCE.static_p99_64); // 50 ms
const INTERACTIVE = ratio(3000, REFERENCE.education_readable); // 3 s
const SCALE_P99 = ratio(50, REFERENCE.static_p50_16); // 50 ms at a million submissions

const budgets = [];
// floor and absolute are shown beside the ratio; only `ok` (the ratio, or a non-latency
// budget) decides the exit status.
const budget = (what, ok, detail, floor = '', absolute = '') => budgets.push({ what, ok, detail, floor, absolute });
const x = (r) => `${r.toFixed(2)}×`;
const within = (what, measured, floor, limit, absMs, floorLabel) => {
  const r = measured / floor;
  budget(`${what}: p99 ≤ ${limit}× ${floorLabel}`, r <= limit, `${f1(measured)} ms = ${x(r)}`, `${f1(floor)} ms`,
    `< ${absMs} ms: ${measured < absMs ? 'met' : 'missed'}`);
};
// An intake writes about ten rows in nine tables; the floor writes one. On PostgreSQL the
// floor's 64 connections commit in parallel and the server groups their flushes, so an
// intake may cost several floors. SQLite commits one writer at a time, one flush per bare
// INSERT, while the app commits every waiting intake in one transaction. The eighth round
// found a per-request write that stopped the grouping: 33% of the floor, which the old 30%
// budget passed. Grouping measured 94% to 173% of the floor (the share moves with the
// disk's flush time against the CPU), so 60% lies between the two.
const INTAKE_SHARE = { sqlite: 0.6, postgresql: 0.3 };
for (const db of ['sqlite', 'postgresql']) {
  const share = by[`intakes-${db}`].rps / by[`insert-floor-${db}`].rps;
  const want = INTAKE_SHARE[db];
  budget(`intakes ≥ ${want * 100}% of the bare-INSERT floor's req/s (${db})`, share >= want,
    `${(share * 100).toFixed(0)}%`, `${f0(by[`insert-floor-${db}`].rps)} req/s`);
}
const floor64 = by['static-floor'].p99;
for (const name of ['home', 'education', 'wizard-first-step']) {
  const share = by[name].rps / by['static-floor'].rps;
  budget(`${name}: ≥ 20% of the static floor's req/s`, share >= 0.2, `${(share * 100).toFixed(0)}%`, `${f0(by['static-floor'].rps)} req/s`);
  within(name, by[name].p99, floor64, PAGE_P99, 25, 'static p99');
}
for (const db of ['sqlite', 'postgresql']) {
  within(`staff queue, 10,000 (${db})`, by[`staff-queue-${db}`].p99, floor64, QUEUE_P99, 50, 'static p99');
}
const edu = pages.find((p) => p.name === 'education');
budget('education page < 150 KB transferred', edu.total < 150 * 1024, `${kb(edu.total)} KB`);
budget('education page readable before any WASM runs', !edu.bytes.wasm || edu.readable_ms < (edu.interactive_ms ?? Infinity),
  edu.bytes.wasm ? `readable ${f0(edu.readable_ms)} ms, WASM ran at ${f0(edu.interactive_ms)} ms` : 'no WASM loaded');
const wiz = pages.find((p) => p.name === 'wizard first step');
{
  const r = wiz.interactive_ms === null ? Infinity : wiz.interactive_ms / edu.readable_ms;
  budget(`wizard interactive on a slow phone ≤ ${INTERACTIVE}× the education page's readable time`, r <= INTERACTIVE,
    `${f0(wiz.interactive_ms)} ms = ${x(r)}`, `${f0(edu.readable_ms)} ms`,
    `< 3 s: ${wiz.interactive_ms !== null && wiz.interactive_ms < 3000 ? 'met' : 'missed'}`);
}
for (const [db, mb] of Object.entries(rss)) budget(`server peak RSS < 100 MB (${db})`, mb < 100, `${f1(mb)} MB`);

// The scale runs (absent when BENCH_SCALE=0).
const lines_of = (f) => (fs.existsSync(path.join(dir, f)) ? read(f).trim().split('\n').filter(Boolean) : []);
const generated = lines_of('scale.txt').map((l) => {
  const [db, count, seconds, bytes] = l.split(' ');
  return { db, count: Number(count), seconds: Number(seconds), bytes: Number(bytes) };
});
const csvExports = lines_of('export.txt').map((l) => {
  const [db, rows_, before, peak, seconds, bytes] = l.split(' ');
  return { db, rows: Number(rows_), before: Number(before) / 1024, peak: Number(peak) / 1024, seconds: Number(seconds), bytes: Number(bytes) };
});
// [run, label, budgeted]: a patient's name is what staff search for; a common last name
// alone (about 6,000 of a million) is measured too, without a budget.
const SCALE_RUNS = [
  ['first-page', 'staff queue, first page', true],
  ['filtered', 'staff queue, consult candidates on BCBS of Texas', true],
  ['deep-page', 'staff queue, page 2,000 by the Next link of page 1,999', true],
  ['deep-page-number', 'staff queue, page 2,000 by its number alone (informational)', false],
  ['search', 'staff queue, name search "maría martínez"', true],
  ['search-last-name', 'staff queue, name search "martínez" (informational)', false],
];
const scaleRows = [];
for (const g of generated) {
  const floor = { label: `static file (floor, 16 connections), ${g.db}`, ...oha(`scale-static-floor-${g.db}`) };
  scaleRows.push(floor);
  for (const [run, label, budgeted] of SCALE_RUNS) {
    const r = { label: `${label}, ${g.db}`, ...oha(`scale-${run}-${g.db}`) };
    scaleRows.push(r);
    if (budgeted) within(`${label}, ${f0(g.count)} (${g.db})`, r.p99, floor.p50, SCALE_P99, 50, 'static p50 at 16 connections');
  }
}
for (const e of csvExports) {
  budget(`CSV export of ${f0(e.rows)} rows: RSS growth < 64 MB (${e.db})`, e.peak - e.before < 64, `${f1(e.peak - e.before)} MB`);
}
const failed = rows.concat(scaleRows).filter((r) => r.failed > 0);
budget('no failed request', failed.length === 0, failed.map((r) => `${r.name}: ${r.failed}`).join(', ') || 'none');

const lines = [];
lines.push('Written by `make bench` (`bench/run.sh`); rerun it to refresh. Release build with wasm-opt, hashed and');
lines.push('precompressed assets, production settings (SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit=on`,');
lines.push('encryption at rest, audit log), server and load generator on one machine over loopback.');
lines.push('');
lines.push('## Machine');
lines.push('');
lines.push(`${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GB RAM, Linux ${machine.kernel}, ${machine.filesystem}; ` +
  `rustc ${machine.rustc}, oha ${machine.oha}, Chromium ${machine.chromium}, PostgreSQL ${machine.postgresql} ` +
  `(synchronous_commit=${machine.pg_synchronous_commit}, fsync=${machine.pg_fsync}). Commit ${machine.commit}, ${machine.date}.`);
lines.push('');
lines.push(`## Throughput and latency (oha, 64 connections)`);
lines.push('');
lines.push('| what | requests | failed | req/s | p50 ms | p99 ms |');
lines.push('|---|---:|---:|---:|---:|---:|');
for (const r of rows) lines.push(`| ${r.label} | ${f0(r.requests)} | ${f0(r.failed)} | ${f0(r.rps)} | ${f1(r.p50)} | ${f1(r.p99)} |`);
lines.push('');
lines.push('## Pages in Chromium (4x CPU slowdown, slow 4G: 562.5 ms latency, 1.47 Mbit/s down)');
lines.push('');
lines.push('Transferred bytes of a first visit (empty cache) by type, including headers; a repeat visit reuses cached assets.');
lines.push('"Interactive" is when the WASM bundle has hydrated the page; a page without WASM is interactive when readable.');
lines.push('');
lines.push('| page | HTML KB | CSS KB | JS KB | WASM KB | total KB | repeat visit KB | readable ms | interactive ms |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const p of pages) {
  const b = p.bytes;
  lines.push(`| ${p.name} | ${kb(b.html)} | ${kb(b.css)} | ${kb(b.js)} | ${kb(b.wasm)} | ${kb(p.total)} | ${kb(p.repeat_total)} | ` +
    `${f0(p.readable_ms)} | ${p.interactive_ms === null ? 'no WASM' : f0(p.interactive_ms)} |`);
}
lines.push('');
if (generated.length) {
  lines.push('## A million submissions (oha, 16 connections, queue page cache off)');
  lines.push('');
  lines.push('Generated by `pain-intake bench-generate` through the real schema (sealed answers, screening results, the');
  lines.push("migrations' triggers and indexes); the server runs with `BENCH_NO_QUEUE_CACHE=true`, so every view runs its");
  lines.push('queries (rows, count, assignees), as the first view after any change does.');
  const where = lines_of('scale-where.txt').map((l) => l.replace(/^where=/, ''))[0];
  if (where) lines.push(`The million-row databases were on ${where}.`);
  lines.push('');
  lines.push('| database | submissions | generated in | per second | database size |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const g of generated) {
    lines.push(`| ${g.db} | ${f0(g.count)} | ${f1(g.seconds)} s | ${f0(g.count / g.seconds)} | ${f0(g.bytes / 1048576)} MB |`);
  }
  lines.push('');
  lines.push('| what | requests | failed | req/s | p50 ms | p99 ms |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const r of scaleRows) lines.push(`| ${r.label} | ${f0(r.requests)} | ${f0(r.failed)} | ${f0(r.rps)} | ${f1(r.p50)} | ${f1(r.p99)} |`);
  lines.push('');
  lines.push('CSV export, streamed (the server\'s RSS sampled every 20 ms while the file downloads):');
  lines.push('');
  lines.push('| database | rows | file MB | seconds | RSS before MB | RSS peak MB | growth MB |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const e of csvExports) {
    lines.push(`| ${e.db} | ${f0(e.rows)} | ${f1(e.bytes / 1048576)} | ${f1(e.seconds)} | ${f1(e.before)} | ${f1(e.peak)} | ${f1(e.peak - e.before)} |`);
  }
  lines.push('');
} else {
  lines.push('## A million submissions');
  lines.push('');
  lines.push('Not run (BENCH_SCALE=0).');
  lines.push('');
}
lines.push('## Budgets');
lines.push('');
lines.push(`Latency budgets are ratios to a floor measured in this run; each ratio is the absolute budget divided by that floor on the reference machine (${REFERENCE.machine}; for the million-row runs ${REFERENCE.scale_machine}, whose floor is the static file's median, the steadier figure).`);
lines.push('The absolute figures are informational: `make bench` exits 1 only on a missed ratio, memory or size budget, or a failed request.');
lines.push('');
lines.push('| budget | floor (this run) | measured | absolute (informational) | |');
lines.push('|---|---:|---:|---|---|');
for (const b of budgets) lines.push(`| ${b.what} | ${b.floor || '–'} | ${b.detail} | ${b.absolute || '–'} | ${b.ok ? 'met' : '**missed**'} |`);
lines.push('');
const text = lines.join('\n');
// The measured part sits between two markers; what is written around it by hand (how
// figures changed, and why) is kept.
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const old = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
const a = old.indexOf(START);
const z = old.indexOf(END);
if (a < 0 || z < a) throw new Error(`${out} lost its ${START} / ${END} markers`);
fs.writeFileSync(out, `${old.slice(0, a + START.length)}\n${text}\n${old.slice(z)}`);
console.log('\n' + text);
const missed = budgets.filter((b) => !b.ok);
if (missed.length) {
  console.error(`${missed.length} budget(s) missed`);
  process.exit(1);
}

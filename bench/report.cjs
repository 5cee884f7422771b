// Turns one `make bench` run (oha JSON, Chromium page figures, peak RSS, machine facts)
// into the report: printed, and written to BENCHMARKS.md. Exits 1 when a budget is missed.
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

const budgets = [];
const budget = (what, ok, detail) => budgets.push({ what, ok, detail });
for (const db of ['sqlite', 'postgresql']) {
  const share = by[`intakes-${db}`].rps / by[`insert-floor-${db}`].rps;
  budget(`intakes ≥ 30% of the bare-INSERT floor (${db})`, share >= 0.3, `${(share * 100).toFixed(0)}%`);
}
for (const name of ['home', 'education', 'wizard-first-step']) {
  const share = by[name].rps / by['static-floor'].rps;
  budget(`${name}: ≥ 20% of the static floor`, share >= 0.2, `${(share * 100).toFixed(0)}%`);
  budget(`${name}: p99 < 25 ms`, by[name].p99 < 25, `${f1(by[name].p99)} ms`);
}
for (const db of ['sqlite', 'postgresql']) {
  const q = by[`staff-queue-${db}`];
  budget(`staff queue p99 < 50 ms (${db})`, q.p99 < 50, `${f1(q.p99)} ms`);
}
const edu = pages.find((p) => p.name === 'education');
budget('education page < 150 KB transferred', edu.total < 150 * 1024, `${kb(edu.total)} KB`);
budget('education page readable before any WASM runs', !edu.bytes.wasm || edu.readable_ms < (edu.interactive_ms ?? Infinity),
  edu.bytes.wasm ? `readable ${f0(edu.readable_ms)} ms, WASM ran at ${f0(edu.interactive_ms)} ms` : 'no WASM loaded');
const wiz = pages.find((p) => p.name === 'wizard first step');
budget('wizard interactive < 3 s on a slow phone', wiz.interactive_ms !== null && wiz.interactive_ms < 3000, `${f0(wiz.interactive_ms)} ms`);
for (const [db, mb] of Object.entries(rss)) budget(`server peak RSS < 100 MB (${db})`, mb < 100, `${f1(mb)} MB`);
const failed = rows.filter((r) => r.failed > 0);
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
lines.push('## Budgets');
lines.push('');
lines.push('| budget | measured | |');
lines.push('|---|---:|---|');
for (const b of budgets) lines.push(`| ${b.what} | ${b.detail} | ${b.ok ? 'met' : '**missed**'} |`);
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

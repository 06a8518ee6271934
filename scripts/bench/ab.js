#!/usr/bin/env node
// A/B check for a restructuring (issue #13: "no change in behaviour, speed
// within noise"): two builds of the bundle, same inputs.
//
//   node scripts/bench/ab.js OLD.js NEW.js [--size small|medium|large] [--rounds N]
//                            [--outputs-only | --perf-only] [--only WORD,WORD]
// (--only keeps the perf commands whose name contains one of the words)
//
// 1. Outputs, byte for byte: both bundles run with the same arguments and
//    environment; stdout, stderr and the exit code must be equal. Inputs: every
//    tree under fixtures/ with a matrix of queries and netstat flag sets (also
//    PROC_ROOT, the file run under the name "netstat", each PORTOWN_SCAN), bad
//    usages, a missing or empty --proc, and a live set on this host's /proc:
//    listeners this script starts (tcp, tcp6, udp, udp6, unix, abstract unix,
//    a listener shared with a child process, connected pairs). Queries on our
//    own sockets must agree on the first try; host-wide live listings can
//    change between two runs (other processes), so they run back to back as
//    old-new-old (then new-old-new), pass when the middle run equals either
//    neighbour, and are retried up to 3 times. Each mismatch is printed with
//    its command and a short diff; exit 1 if any.
// 2. Speed and memory, paired: the busy host of loadgen.js (--size), then
//    rounds of each command for old and new back to back, who goes first
//    alternating by round (ABAB, BABA, ...), plus `node -e 0` as the baseline.
//    Wall time around the run, CPU and peak RSS from GNU time, as bench.js
//    does. Prints a markdown table of medians and new/old ratios; reported,
//    not asserted.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const bench = require('./bench.js');

const root = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(root, 'fixtures');
const SCANS = ['sync', 'async', 'pipe'];
// Usual ports; the ones a tree does not have give "no match" (exit 1).
const COMMON_PORTS = [22, 53, 80, 443, 8080];
const HOST_RETRIES = 3;
const RUN_TIMEOUT_MS = 120000;

const USAGE = 'usage: node scripts/bench/ab.js OLD.js NEW.js [--size small|medium|large] [--rounds N] [--outputs-only|--perf-only] [--only WORD,WORD]';

function usage(msg) {
  console.error('ab: ' + msg + '\n' + USAGE);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { old: null, new: null, size: 'small', rounds: 9, outputs: true, perf: true, only: [] };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') o.size = argv[++i];
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--only') o.only = String(argv[++i] || '').split(',').filter(Boolean);
    else if (a === '--outputs-only') o.perf = false;
    else if (a === '--perf-only') o.outputs = false;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE + '\n(see the top of this file)');
      process.exit(0);
    }
    else if (a.startsWith('-')) usage('unknown option ' + JSON.stringify(a));
    else files.push(a);
  }
  if (files.length !== 2) usage('expected two bundles, OLD.js and NEW.js, got ' + files.length);
  if (!o.outputs && !o.perf) usage('--outputs-only and --perf-only together leave nothing to do');
  if (!['small', 'medium', 'large'].includes(o.size)) usage('expected --size small, medium or large, got ' + JSON.stringify(o.size));
  // Fewer rounds make medians that noise on a shared machine can move by itself.
  if (!(Number.isInteger(o.rounds) && o.rounds >= 7)) usage('expected --rounds to be a whole number >= 7, got ' + JSON.stringify(o.rounds));
  [o.old, o.new] = files.map((f) => {
    const p = path.resolve(f);
    if (!fs.existsSync(p) || !fs.statSync(p).isFile()) usage('no such bundle: ' + f);
    return p;
  });
  return o;
}

// ---------------------------------------------------------------- running

// The caller's PORTOWN_* / PROC_ROOT must not leak into runs that set their own.
const BASE_ENV = Object.assign({}, process.env);
for (const k of Object.keys(BASE_ENV)) if (k.startsWith('PORTOWN_') || k === 'PROC_ROOT') delete BASE_ENV[k];

const state = { tmp: null, running: new Set(), live: null, load: null, runs: 0, retried: 0 };

/**
 * Runs one bundle with stdout and stderr to files, not pipes: a pipe is a unix
 * socket held by the run itself, which would then show up (with its own pid)
 * in live listings of unix sockets.
 */
function runOne(script, c) {
  return new Promise((resolve, reject) => {
    const n = state.runs++;
    const outPath = path.join(state.tmp, 'run-' + n + '.out');
    const errPath = path.join(state.tmp, 'run-' + n + '.err');
    const out = fs.openSync(outPath, 'w');
    const err = fs.openSync(errPath, 'w');
    const env = c.env ? Object.assign({}, BASE_ENV, c.env) : BASE_ENV;
    let child;
    try {
      child = spawn(process.execPath, [script].concat(c.args), { stdio: ['ignore', out, err], env });
    } finally {
      fs.closeSync(out);
      fs.closeSync(err);
    }
    state.running.add(child);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { child.kill('SIGKILL'); } catch (e) { /* gone */ } }, RUN_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); state.running.delete(child); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      state.running.delete(child);
      const r = { code, signal, timedOut, stdout: fs.readFileSync(outPath), stderr: fs.readFileSync(errPath) };
      fs.unlinkSync(outPath);
      fs.unlinkSync(errPath);
      resolve(r);
    });
  });
}

/** The file each side runs: the bundle, or a symlink to it named netstat. */
function scriptFor(side, c) {
  return c.asNetstat ? side.link : side.bundle;
}

function diffStreams(a, b, filter) {
  const f = filter || ((x) => x);
  const out = [];
  // Two runs that both hang are not "the same".
  if (a.code !== b.code || a.signal !== b.signal || a.timedOut || b.timedOut) out.push({ stream: 'exit', old: exitWord(a), new: exitWord(b) });
  for (const s of ['stdout', 'stderr']) {
    const x = s === 'stdout' ? f(a[s]) : a[s];
    const y = s === 'stdout' ? f(b[s]) : b[s];
    if (!x.equals(y)) out.push({ stream: s, old: x, new: y });
  }
  return out;
}

const exitWord = (r) => (r.timedOut ? 'killed after ' + RUN_TIMEOUT_MS / 1000 + ' s' : r.signal ? 'signal ' + r.signal : 'exit ' + r.code);

// A line as its bytes: control bytes, DEL and non-ASCII as \xHH, so a difference in them shows.
const show = (line) => {
  const j = line.replace(/[\x00-\x1f\x7f-\xff\\]/g, (ch) => (ch === '\\' ? '\\\\' : '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0')));
  return j.length > 200 ? j.slice(0, 200) + '...' : j;
};

/** The lines that differ, with the common head and tail cut away (at most 6 each side). */
function shortDiff(oldBuf, newBuf) {
  const A = oldBuf.toString('latin1').split('\n');
  const B = newBuf.toString('latin1').split('\n');
  let i = 0;
  while (i < A.length && i < B.length && A[i] === B[i]) i++;
  let j = 0;
  while (j < A.length - i && j < B.length - i && A[A.length - 1 - j] === B[B.length - 1 - j]) j++;
  const lines = ['      @@ from line ' + (i + 1) + ' (old ' + oldBuf.length + ' bytes, new ' + newBuf.length + ' bytes)'];
  if (i > 0) lines.push('        ' + show(A[i - 1]));
  const part = (xs, sign) => {
    for (const l of xs.slice(0, 6)) lines.push('      ' + sign + ' ' + show(l));
    if (xs.length > 6) lines.push('      ' + sign + ' ... ' + (xs.length - 6) + ' more lines');
  };
  part(A.slice(i, A.length - j), '-');
  part(B.slice(i, B.length - j), '+');
  return lines.join('\n');
}

const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'");

function describe(c) {
  const env = c.env ? Object.keys(c.env).map((k) => k + '=' + quote(c.env[k]) + ' ').join('') : '';
  return env + (c.asNetstat ? 'netstat' : 'portown') + (c.args.length ? ' ' + c.args.map(quote).join(' ') : '') + (c.filter ? '   [rows of our own sockets]' : '');
}

const tally = { compared: 0, identical: 0, differ: 0 };

function report(c, diffs, note) {
  tally.compared++;
  if (!diffs.length) {
    tally.identical++;
    return;
  }
  tally.differ++;
  console.log('DIFFER  ' + describe(c) + (note ? '   (' + note + ')' : ''));
  for (const d of diffs) {
    if (d.stream === 'exit') console.log('    exit code: old ' + d.old + ', new ' + d.new);
    else console.log('    ' + d.stream + ':\n' + shortDiff(d.old, d.new));
  }
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** One comparison: old, then new. */
async function compare(sides, c) {
  if (c.hostWide) return compareHostWide(sides, c);
  const a = await runOne(scriptFor(sides[0], c), c);
  const b = await runOne(scriptFor(sides[1], c), c);
  report(c, diffStreams(a, b, c.filter), '');
}

/**
 * A listing of the whole live host, which other processes change at any time:
 * one side run between two runs of the other (old new old, then new old new,
 * ...); they agree when the middle run equals either of its neighbours. Up to
 * HOST_RETRIES more tries, with a growing pause to let a burst of activity pass.
 */
async function compareHostWide(sides, c) {
  let diffs = [];
  let steady = false;
  let t = 0;
  for (; t <= HOST_RETRIES; t++) {
    if (t > 0) await sleep(250 * t);
    const mid = t % 2 ? 0 : 1;
    const edge = 1 - mid;
    const x = await runOne(scriptFor(sides[edge], c), c);
    const m = await runOne(scriptFor(sides[mid], c), c);
    const y = await runOne(scriptFor(sides[edge], c), c);
    // Always old against new, whichever side was in the middle.
    const dx = edge === 0 ? diffStreams(x, m) : diffStreams(m, x);
    const dy = edge === 0 ? diffStreams(y, m) : diffStreams(m, y);
    if (!dx.length || !dy.length) {
      diffs = [];
      break;
    }
    diffs = dy;
    steady = !diffStreams(x, y).length;
  }
  if (t > 0 && !diffs.length) state.retried++;
  report(c, diffs, diffs.length ? 'host-wide listing, differed in all ' + (1 + HOST_RETRIES) + ' tries; in the last one the two runs around the middle one ' +
    (steady ? 'agreed with each other, so the host was steady: likely a real difference' : 'differed from each other too: the host changed under them') : '');
}

/** Runs the cases, `jobs` at a time. */
async function compareAll(sides, cases, jobs) {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) await compare(sides, cases[next++]);
  };
  const ws = [];
  for (let k = 0; k < Math.min(jobs, cases.length); k++) ws.push(worker());
  await Promise.all(ws);
}

// ---------------------------------------------------------------- fixture cases

const HEX_ROW = /^\s*\d+:\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\s/;

/** Local ports in the order the tables list them, and the remote ports that are not local ones. */
function portsOf(dir) {
  const local = [];
  const remote = [];
  for (const t of ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']) {
    let text;
    try { text = fs.readFileSync(path.join(dir, 'net', t), 'latin1'); } catch (e) { continue; }
    for (const line of text.split('\n')) {
      const m = HEX_ROW.exec(line);
      if (!m) continue;
      const lp = parseInt(m[1], 16);
      const rp = parseInt(m[2], 16);
      if (lp && !local.includes(lp)) local.push(lp);
      if (rp && !remote.includes(rp)) remote.push(rp);
    }
  }
  return { local, remote: remote.filter((p) => !local.includes(p)) };
}

// netstat flag sets: the common ones on every tree; all of them, and the ones
// for routes, raw and unix tables where the tree has those, on the netstat-*
// trees (captured for netstat mode, as test/netstat_fixtures.test.ts uses them).
const NETSTAT_CORE = [['-ntpa'], ['-a'], ['--busybox', '-ntpa']];
const NETSTAT_FULL = [
  ['-ntpa'], ['-tulpn'], ['-a'], ['-nae'], ['-nx'], ['-rn'], ['-nWo'], ['-ntuwap'], ['-tuapeo'], ['-lp'],
  ['-n', '-4'], ['-nl6'], ['--busybox', '-ntpa'], ['--busybox', '-a'], ['--busybox', '-nlpx'],
];
const NETSTAT_ROUTE = [['-r'], ['-rne'], ['-rnee'], ['--busybox', '-rn']];
const NETSTAT_RAW = [['-nwap'], ['--busybox', '-wa', '-4']];
const NETSTAT_UNIX = [['-xap'], ['--busybox', '-xa']];

/**
 * The matrix for one captured /proc tree. The portown trees get the full
 * query matrix and a few netstat flag sets; the netstat-* trees the other way
 * round: every run costs a Node start (~60 ms here), and the whole check
 * should stay near a minute.
 */
function fixtureCases(name, index) {
  const dir = path.join(FIXTURES, name);
  const tables = fs.readdirSync(path.join(dir, 'net'));
  const forNetstat = name.startsWith('netstat-');
  // Captures from a big-endian machine are named so (the -twin is its little-endian copy).
  const be = /big-endian$/.test(name);
  const order = be ? ['--byte-order', 'be'] : [];
  const at = ['--proc', dir].concat(order);
  const { local, remote } = portsOf(dir);
  const p0 = String(local.length ? local[0] : 22);
  const all = fs.readdirSync(dir).filter((f) => /^\d+$/.test(f)).sort((a, b) => a - b);
  const pids = all.length > 1 ? [all[0], all[all.length - 1]] : all; // the lowest and the highest
  const has = (t) => tables.some((x) => x === t || x === t + '6');
  const cases = [];
  const add = (args, extra) => cases.push(Object.assign({ args: args.concat(at) }, extra));
  const addNetstat = (flags, extra) => add(['netstat'].concat(flags), extra);

  if (forNetstat) {
    for (const a of [[], ['--all', '--json', '--threads'], [p0], [p0 + '/udp', '--remote']]) add(a);
    for (const pid of pids) add(['--pid', pid, '--json']);
    for (const f of NETSTAT_FULL) addNetstat(f);
    if (has('route')) for (const f of NETSTAT_ROUTE) addNetstat(f);
    if (has('raw')) for (const f of NETSTAT_RAW) addNetstat(f);
    if (has('unix')) for (const f of NETSTAT_UNIX) addNetstat(f);
    for (const s of SCANS) addNetstat(['-ntpa'], { env: { PORTOWN_SCAN: s } });
    // The file run under the name netstat.
    cases.push({ args: ['-ntuwap'].concat(at), asNetstat: true });
    if (has('route')) cases.push({ args: ['-rn'].concat(at), asNetstat: true });
    // Without --proc: PROC_ROOT names the tree.
    cases.push({ args: ['netstat', '-ntuwap'].concat(order), env: { PROC_ROOT: dir } });
  } else {
    for (const a of [[], ['--json'], ['--pids'], ['--all'], ['--all', '--json', '--threads'], ['--all', '--pids'],
      ['-t', '-6'], ['-u', '-4', '--json'], ['-a', '-w', '-x']]) add(a);
    for (const p of local.slice(0, 2)) {
      for (const a of [[String(p)], [p + '/tcp'], [p + '/udp'], [String(p), '--remote', '--json']]) add(a);
    }
    add([p0, '--threads', '--pids']);
    add([p0, '-4', '--json']);
    // One of the usual ports the tree does not have (a different one per tree): exit 1, nothing printed.
    const absent = COMMON_PORTS.filter((p) => !local.includes(p));
    if (absent.length) add([String(absent[index % absent.length])]);
    if (remote.length) add([String(remote[0]), '--remote']);
    for (const pid of pids) {
      add(['--pid', pid]);
      add(['--pid', pid, '--json', '--threads']);
    }
    if (pids.length) add([p0, '--pid', pids[0]]);
    add(['--pid', '99999']);
    for (const s of SCANS) for (const a of [[p0], []]) add(a, { env: { PORTOWN_SCAN: s } });
    for (const f of NETSTAT_CORE) addNetstat(f);
    cases.push({ args: [p0, '--pids'].concat(order), env: { PROC_ROOT: dir } });
  }
  // The other byte order: other addresses, the same bytes from both.
  cases.push({ args: (forNetstat ? ['netstat', '-ntuwa'] : ['--all', '--json']).concat(['--proc', dir, '--byte-order', be ? 'le' : 'be']) });
  return cases;
}

/** Bad usage (exit 2 and one line), help and version, and --proc trees that are not there. */
function usageCases(tmp) {
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty, { recursive: true });
  const file = path.join(FIXTURES, 'design-doc', 'net', 'tcp');
  const list = [
    ['70000'], ['0'], ['abc'], ['22/sctp'], ['22', '80'], ['--frob'], ['--pid'], ['--pid', 'x'], ['--byte-order', 'middle'], ['--proc'],
    ['-h'], ['--help'], ['-V'], ['--version'],
    ['netstat', '--help'], ['netstat', '-V'], ['netstat', '-i'], ['netstat', '-s'], ['netstat', '-Z'], ['netstat', '--frob'], ['netstat', '-ntpa', 'extra'],
    ['22', '--proc', '/nonexistent/proc'], ['--all', '--proc', '/nonexistent/proc'], ['netstat', '-ntpa', '--proc', '/nonexistent/proc'],
    ['22', '--proc', file], ['--all', '--proc', empty], ['netstat', '--proc', empty, '-nt'], ['netstat', '-rn', '--proc', empty],
  ].map((args) => ({ args }));
  list.push({ args: ['22'], env: { PROC_ROOT: '/nonexistent/proc' } });
  list.push({ args: ['-i'], asNetstat: true });
  list.push({ args: ['--remote'] });
  list.push({ args: ['netstat', '--byte-order=be', '-rn', '--proc', path.join(FIXTURES, 'netstat-big-endian')] });
  // The environment's word for --busybox.
  list.push({ args: ['netstat', '-ntuap', '--proc', path.join(FIXTURES, 'netstat-long-ipv6')], env: { PORTOWN_NETSTAT_STYLE: 'busybox' } });
  return list;
}

// ---------------------------------------------------------------- live cases

// The live host: a child node process with listeners and pairs on loopback,
// plus a `sleep` that inherits one listener (a second holder, as forked
// workers are). It prints what it made as one JSON line, and ends (killing
// the sleep) when its stdin closes, so a killed ab.js leaves nothing behind.
const LIVE_CHILD = String.raw`
'use strict';
const net = require('net');
const dgram = require('dgram');
const fs = require('fs');
const { spawn } = require('child_process');
const kids = [];
const bye = () => { for (const k of kids) { try { k.kill('SIGKILL'); } catch (e) {} } process.exit(0); };
process.stdin.on('end', bye);
process.stdin.on('error', bye);
process.stdin.resume();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, bye);
const listen = (opts) => new Promise((res, rej) => {
  const accepted = [];
  const s = net.createServer({ pauseOnConnect: true }, (c) => accepted.push(c));
  s.on('error', rej);
  s.listen(opts, () => res({ s, accepted }));
});
const udp = (type, host) => new Promise((res, rej) => {
  const u = dgram.createSocket(type);
  u.on('error', rej);
  u.bind(0, host, () => res(u));
});
const connect = (opts, l) => new Promise((res, rej) => {
  const c = net.connect(opts, () => {
    c.pause();
    const wait = () => (l.accepted.length ? res(c) : setTimeout(wait, 2));
    wait();
  });
  c.on('error', rej);
});
const maybe = (p) => p.then((x) => x, () => null);
(async () => {
  const path = process.argv[1];
  const abstract = '\0portown-ab-' + process.pid;
  const t4 = await listen({ host: '127.0.0.1', port: 0 });
  const t6 = await maybe(listen({ host: '::1', port: 0, ipv6Only: true }));
  const u4 = await udp('udp4', '127.0.0.1');
  const u6 = await maybe(udp('udp6', '::1'));
  const ux = await listen({ path });
  await listen({ path: abstract });
  const shared = await listen({ host: '127.0.0.1', port: 0 });
  const pair4 = await connect({ host: '127.0.0.1', port: t4.s.address().port }, t4);
  const pair6 = t6 ? await connect({ host: '::1', port: t6.s.address().port }, t6) : null;
  await connect({ path }, ux);
  const kid = spawn('sleep', ['900'], { stdio: ['ignore', 'ignore', 'ignore', shared.s._handle.fd] });
  kids.push(kid);
  for (let i = 0; i < 500; i++) {
    try { if (fs.readFileSync('/proc/' + kid.pid + '/comm', 'latin1') === 'sleep\n') break; } catch (e) {}
    await new Promise((r) => setTimeout(r, 5));
  }
  process.stdout.write(JSON.stringify({
    pid: process.pid, kid: kid.pid, path, abstract: '@' + abstract.slice(1),
    tcp4: t4.s.address().port, tcp6: t6 ? t6.s.address().port : 0, udp4: u4.address().port, udp6: u6 ? u6.address().port : 0,
    shared: shared.s.address().port, pair4: pair4.localPort, pair6: pair6 ? pair6.localPort : 0,
  }) + '\n');
})().catch((e) => { process.stderr.write('ab live child: ' + (e && e.stack || e) + '\n'); bye(); });
`;

function startLive(tmp) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LIVE_CHILD, path.join(tmp, 'live.sock')], { stdio: ['pipe', 'pipe', 'inherit'] });
    state.live = { child, info: null };
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0 && !state.live.info) {
        state.live.info = JSON.parse(out.slice(0, nl));
        resolve(state.live.info);
      }
    });
    child.on('exit', (code) => { if (!(state.live && state.live.info)) reject(new Error('the live child exited with ' + code + ' before it was ready')); });
  });
}

function stopLive() {
  const l = state.live;
  if (!l) return;
  state.live = null;
  if (l.info) { try { process.kill(l.info.kid, 'SIGKILL'); } catch (e) { /* gone */ } }
  try { l.child.kill('SIGKILL'); } catch (e) { /* gone */ }
}

function liveCases(L) {
  const cases = [];
  const add = (args, extra) => cases.push(Object.assign({ args }, extra));
  const tcp = [L.tcp4, L.tcp6, L.shared].filter(Boolean).map(String);
  const udp = [L.udp4, L.udp6].filter(Boolean).map(String);
  for (const p of tcp) for (const a of [[p], [p + '/tcp'], [p + '/udp'], [p, '--json'], [p, '--pids'], [p, '--threads'], [p, '--remote']]) add(a);
  for (const p of udp) for (const a of [[p], [p + '/udp'], [p, '--json'], [p, '--pids']]) add(a);
  for (const p of [L.pair4, L.pair6].filter(Boolean).map(String)) { add([p]); add([p, '--json']); }
  add([String(L.tcp4), '-4']);
  add([String(L.tcp4), '-6']);
  for (const s of SCANS) {
    const env = { PORTOWN_SCAN: s };
    for (const a of [[String(L.shared), '--json'], [String(L.udp4), '--pids'], [String(L.tcp4), '--remote', '--threads'], ['--pid', String(L.pid), '--json']]) add(a, { env });
  }
  for (const pid of [L.pid, L.kid].map(String)) {
    for (const a of [['--pid', pid], ['--pid', pid, '--json'], ['--pid', pid, '--threads'], ['--pid', pid, '--pids']]) add(a);
  }
  add([String(L.shared), '--pid', String(L.kid)]);
  add(['--pid', String(L.pid), '-x']);
  add(['--pid', String(L.pid), '-t', '-4']);
  add(['--pid', String(L.pid), '-u', '--json']);

  // netstat has no port filter: our rows, which must agree on the first try ...
  const words = [L.tcp4, L.tcp6, L.udp4, L.udp6, L.shared, L.pair4, L.pair6].filter(Boolean).map((p) => ':' + p + ' ').concat([' ' + L.path, ' ' + L.abstract]);
  const ours = (buf) => {
    const lines = buf.toString('latin1').split('\n');
    return Buffer.from(lines.filter((l, i) => i < 2 || words.some((w) => (l + ' ').includes(w))).join('\n'), 'latin1');
  };
  for (const f of [['-ntpa'], ['-ntpaW'], ['-nupa'], ['-ntpae'], ['-nxap'], ['--busybox', '-ntpa'], ['--busybox', '-nxa']]) {
    add(['netstat'].concat(f), { filter: ours });
  }
  add(['-ntupa'], { filter: ours, asNetstat: true });
  for (const s of SCANS) add(['netstat', '-ntpa'], { filter: ours, env: { PORTOWN_SCAN: s } });

  // ... and the whole host, which may change between two runs (unix sockets
  // and established rows most: other processes start and end all the time).
  for (const a of [[], ['--json'], ['--pids'], ['--threads'], ['--all', '--json'],
    ['netstat', '-ntpa'], ['netstat', '-tulpn'], ['netstat', '-rn'], ['netstat', '-r'], ['netstat', '--busybox', '-ntpa']]) {
    add(a, { hostWide: true });
  }
  return cases;
}

// ---------------------------------------------------------------- outputs

async function outputs(o) {
  const tmp = state.tmp;
  const sides = [o.old, o.new].map((bundle, k) => {
    const dir = path.join(tmp, k ? 'new' : 'old');
    fs.mkdirSync(dir);
    const link = path.join(dir, 'netstat');
    fs.symlinkSync(bundle, link);
    return { bundle, link };
  });
  const t0 = Date.now();
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => fs.existsSync(path.join(FIXTURES, f, 'net'))).sort();
  const cases = usageCases(tmp);
  fixtures.forEach((f, k) => cases.push(...fixtureCases(f, k)));
  const L = await startLive(tmp);
  try {
    console.log('live: our sockets: tcp ' + L.tcp4 + ', tcp6 ' + (L.tcp6 || '-') + ', udp ' + L.udp4 + ', udp6 ' + (L.udp6 || '-') +
      ', unix ' + L.path + ' and ' + L.abstract + ', held by pid ' + L.pid + '; tcp ' + L.shared + ' also held by its child ' + L.kid);
    const live = liveCases(L);
    const own = live.filter((c) => !c.hostWide);
    const host = live.filter((c) => c.hostWide);
    // Runs hold no sockets (their output goes to files) and the queries on
    // our own sockets print nothing about other processes, so all of these
    // can run several at a time; each pair is still old then new.
    const jobs = Math.max(2, os.cpus().length + 1);
    console.log('outputs: ' + cases.length + ' comparisons on ' + fixtures.length + ' fixture trees and bad usages, ' + own.length + ' on our live sockets (' + jobs + ' at a time) ...');
    await compareAll(sides, cases.concat(own), jobs);
    console.log('outputs: ' + host.length + ' host-wide listings, one at a time ...');
    await compareAll(sides, host, 1);
  } finally {
    stopLive();
  }
  if (state.retried) console.log('(' + state.retried + ' host-wide listing' + (state.retried === 1 ? '' : 's') + ' agreed only on a retry: the host changed between two runs)');
  console.log('outputs: ' + tally.compared + ' compared, ' + tally.identical + ' identical, ' + tally.differ + ' differ  (' + ((Date.now() - t0) / 1000).toFixed(0) + ' s)');
  return tally.differ === 0;
}

// ---------------------------------------------------------------- speed and memory

/** One run under GNU time: wall ms (taken here), CPU ms and peak RSS KB (from wait4's rusage). */
function measure(argv, stdoutPath, timeBin) {
  return new Promise((resolve, reject) => {
    const rusage = path.join(state.tmp, 'rusage');
    const out = fs.openSync(stdoutPath, 'w');
    const err = fs.openSync(path.join(state.tmp, 'perf.err'), 'w');
    const full = timeBin ? [timeBin, '-f', '%U %S %M', '-o', rusage].concat(argv) : argv;
    const t0 = process.hrtime();
    const child = spawn(full[0], full.slice(1), { stdio: ['ignore', out, err], env: BASE_ENV });
    fs.closeSync(out);
    fs.closeSync(err);
    state.running.add(child);
    child.on('error', reject);
    child.on('exit', (code) => {
      const dt = process.hrtime(t0);
      state.running.delete(child);
      let cpu = NaN;
      let rss = NaN;
      if (timeBin) {
        // GNU time puts "Command exited with non-zero status N" first when the exit code is not 0.
        const f = fs.readFileSync(rusage, 'latin1').trim().split('\n').pop().split(' ');
        cpu = (+f[0] + +f[1]) * 1000;
        rss = +f[2];
      }
      resolve({ wall: dt[0] * 1000 + dt[1] / 1e6, cpu, rss, code });
    });
  });
}

async function perf(o) {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  if (!timeBin) console.log('no /usr/bin/time (GNU time): CPU and peak RSS are not measured');
  await bench.drainTimeWait();
  console.log('perf: starting the ' + o.size + ' load ...');
  state.load = await bench.startLoad(o.size);
  const info = state.load.info;
  console.log('perf: load of ' + info.processes + ' processes, ' + info.sockets + ' sockets (built in ' + (info.ms / 1000).toFixed(1) + ' s); known port ' + info.port + ', pid ' + info.pid);
  const node = process.execPath;
  const file = path.join(state.tmp, 'perf.out');
  const cmds = [
    { name: 'portown PORT', args: [String(info.port)], out: file },
    { name: 'portown PORT/tcp', args: [info.port + '/tcp'], out: file },
    { name: 'portown (listening)', args: [], out: file },
    { name: 'portown netstat -ntpa', args: ['netstat', '-ntpa'], out: '/dev/null' },
    { name: 'portown --all --json', args: ['--all', '--json'], out: '/dev/null' },
  ].filter((c) => o.only.length === 0 || o.only.some((w) => c.name.includes(w)));
  const res = cmds.map(() => [0, 1].map(() => ({ wall: [], cpu: [], rss: [], bad: 0 })));
  const base = { wall: [], cpu: [], rss: [] };
  const t0 = Date.now();
  const items = cmds.map((c, i) => i).concat(['base']);
  for (let r = 0; r < o.rounds; r++) {
    // Old first in even rounds, new first in odd ones; the command order rotates by one each round.
    const sides = r % 2 ? [1, 0] : [0, 1];
    for (let k = 0; k < items.length; k++) {
      const it = items[(k + r) % items.length];
      if (it === 'base') {
        const m = await measure([node, '-e', '0'], '/dev/null', timeBin);
        base.wall.push(m.wall); base.cpu.push(m.cpu); base.rss.push(m.rss);
        continue;
      }
      const c = cmds[it];
      for (const s of sides) {
        const m = await measure([node, s ? o.new : o.old].concat(c.args), c.out, timeBin);
        const x = res[it][s];
        x.wall.push(m.wall); x.cpu.push(m.cpu); x.rss.push(m.rss);
        if (m.code !== 0) x.bad++;
      }
    }
    process.stdout.write('perf: round ' + (r + 1) + '/' + o.rounds + ' done\n');
  }
  const md = bench.median;
  const range = (xs) => bench.fmtMs(Math.min.apply(null, xs)) + '–' + bench.fmtMs(Math.max.apply(null, xs));
  const rows = cmds.map((c, i) => {
    const [a, b] = res[i];
    const dRss = (md(b.rss) - md(a.rss)) / 1024;
    return [c.name, bench.fmtMs(md(a.wall)), range(a.wall), bench.fmtMs(md(b.wall)), range(b.wall), (md(b.wall) / md(a.wall)).toFixed(2),
      bench.fmtMs(md(a.cpu)), bench.fmtMs(md(b.cpu)), bench.fmtMb(md(a.rss)), bench.fmtMb(md(b.rss)), isNaN(dRss) ? '-' : (dRss >= 0 ? '+' : '') + dRss.toFixed(2)];
  });
  rows.push(['node -e 0 (baseline)', bench.fmtMs(md(base.wall)), range(base.wall), '', '', '', bench.fmtMs(md(base.cpu)), '', bench.fmtMb(md(base.rss)), '', '']);
  console.log('\n### A/B, ' + o.size + ' host: ' + info.processes + ' processes, ' + info.sockets + ' sockets; median of ' + o.rounds + ' rounds (' + ((Date.now() - t0) / 1000).toFixed(0) + ' s)\n');
  console.log('old: ' + o.old + '\nnew: ' + o.new + '\n');
  console.log(bench.table(['command', 'old wall ms', 'old min–max', 'new wall ms', 'new min–max', 'new/old wall', 'old CPU ms', 'new CPU ms', 'old RSS MiB', 'new RSS MiB', 'RSS new−old MiB'], rows));
  cmds.forEach((c, i) => res[i].forEach((x, s) => {
    if (x.bad) console.log('warning: ' + c.name + ' (' + (s ? 'new' : 'old') + ') exited non-zero in ' + x.bad + ' of ' + o.rounds + ' runs');
  }));
}

// ---------------------------------------------------------------- main

function cleanup() {
  for (const c of state.running) { try { c.kill('SIGKILL'); } catch (e) { /* gone */ } }
  stopLive();
  // loadgen kills its own children on SIGTERM.
  if (state.load) { try { state.load.child.kill('SIGTERM'); } catch (e) { /* gone */ } }
  if (state.tmp) { try { fs.rmSync(state.tmp, { recursive: true, force: true }); } catch (e) { /* gone */ } }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-ab-'));
  process.on('exit', cleanup);
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) process.on(sig, () => { cleanup(); process.exit(code); });
  console.log('old: ' + o.old + '\nnew: ' + o.new);
  let same = true;
  if (o.outputs) same = await outputs(o);
  if (o.perf) {
    if (o.outputs) console.log('');
    try {
      await perf(o);
    } finally {
      await bench.stopLoad(state.load);
      state.load = null;
    }
  }
  process.exitCode = same ? 0 : 1;
}

main().catch((e) => {
  console.error('ab: ' + (e && e.stack ? e.stack : e));
  process.exitCode = 2;
});

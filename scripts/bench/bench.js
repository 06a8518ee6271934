#!/usr/bin/env node
// The benchmark: portown against netstat, ss, lsof, fuser and a C floor on a
// busy loopback host made by scripts/bench/loadgen.js.
//
//   npm run bench -- --size small|medium|large [--rounds N] [--only NAME,NAME] [--ehash N]
// (--only keeps the commands whose name contains one of the words, e.g.
//  --only netstat,floor,"node -e")
//
// --ehash N runs the whole bench (load and commands) in a new network
// namespace whose TCP established hash has N buckets. The kernel sizes that
// hash by RAM, one bucket per 128 KB: 262,144 on a 24 GiB machine, 1,024 on a
// 128 MB board. Every read of /proc/net/tcp and tcp6 walks all of it, so on a
// big machine a small host's tables cost milliseconds that a board does not
// spend (about 4.5 ms each here, against 0.15 ms with 1,024 buckets). Needs
// root, Linux 6.1+ (net.ipv4.tcp_child_ehash_entries), unshare and ip; the
// sysctl is set only until the namespace exists, then restored (also on
// SIGINT, SIGTERM and SIGHUP; a SIGKILL in that moment would leave it set:
// `sysctl net.ipv4.tcp_child_ehash_entries=0` is the kernel's default).
//
// Every round runs every command once, in an order rotated by one each round
// (so each pair of commands alternates A/B), with stdout and stderr to files.
// Each run goes through /usr/bin/time (GNU time, which takes CPU time and peak
// RSS from wait4's rusage); wall time is taken here around the whole run.
// Then it prints, per command, the medians of wall, CPU (user+sys) and peak
// RSS, and whether the output named the known owner; and the ratios of
// portown to each peer from this same run, next to the targets.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(root, 'build', 'portown.js');
const ROUNDS = { small: 11, medium: 7, large: 5 };

function parseArgs(argv) {
  const o = { size: 'small', rounds: 0, only: null, ehash: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') o.size = argv[++i];
    else if (a === '--rounds') o.rounds = +argv[++i];
    else if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--ehash') o.ehash = +argv[++i];
    else throw new Error('unknown argument ' + JSON.stringify(a) + ' (expected --size small|medium|large, --rounds N, --only NAME,NAME, --ehash N)');
  }
  if (!ROUNDS[o.size]) throw new Error('expected --size small, medium or large, got ' + JSON.stringify(o.size));
  if (!(o.rounds > 0)) o.rounds = ROUNDS[o.size];
  if (o.ehash && !(Number.isInteger(o.ehash) && o.ehash > 0 && (o.ehash & (o.ehash - 1)) === 0)) {
    throw new Error('expected --ehash to be a power of two such as 1024, got ' + JSON.stringify(argv[argv.indexOf('--ehash') + 1]));
  }
  return o;
}

const CHILD_EHASH = '/proc/sys/net/ipv4/tcp_child_ehash_entries';
const NETNS_READY = 'portown-bench: network namespace made';

/** The TCP established hash size of our network namespace, or null when the kernel does not say. */
function ehashSize() {
  try {
    return +fs.readFileSync('/proc/sys/net/ipv4/tcp_ehash_entries', 'latin1');
  } catch (e) {
    return null;
  }
}

/**
 * --ehash: runs this same bench again inside a new network namespace (unshare -n)
 * made while net.ipv4.tcp_child_ehash_entries is N, with its loopback up; then
 * puts the sysctl back as soon as the inner bench has said anything, or when it ends.
 */
function runInNetns(o) {
  if (process.getuid && process.getuid() !== 0) throw new Error('--ehash needs root (it sets ' + CHILD_EHASH + ' and makes a network namespace)');
  if (!fs.existsSync(CHILD_EHASH)) throw new Error('--ehash needs Linux 6.1 or later: no ' + CHILD_EHASH);
  for (const t of ['unshare', 'ip']) if (!which(t)) throw new Error('--ehash needs ' + t + ', which is not on PATH');
  const old = fs.readFileSync(CHILD_EHASH, 'latin1').trim();
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    fs.writeFileSync(CHILD_EHASH, old);
  };
  fs.writeFileSync(CHILD_EHASH, String(o.ehash));
  return new Promise((resolve) => {
    let child;
    try {
      // The shell runs inside the new namespace: its first line says the namespace exists.
      child = spawn(which('unshare'), ['-n', '--', 'sh', '-c', 'echo ' + NETNS_READY + ' && ip link set lo up && exec "$0" "$@"', process.execPath].concat(process.argv.slice(1)),
        { stdio: ['inherit', 'pipe', 'inherit'], env: Object.assign({}, process.env, { PORTOWN_BENCH_NETNS: '1' }) });
    } catch (e) {
      restore();
      throw e;
    }
    let first = true;
    child.stdout.on('data', (d) => {
      restore();
      let text = String(d);
      if (first && text.startsWith(NETNS_READY + '\n')) text = text.slice(NETNS_READY.length + 1);
      first = false;
      process.stdout.write(text);
    });
    const pass = (sig) => process.on(sig, () => { restore(); try { child.kill(sig); } catch (e) { /* gone */ } });
    pass('SIGINT');
    pass('SIGTERM');
    pass('SIGHUP');
    child.on('exit', (code, sig) => {
      restore();
      process.exitCode = code === null ? 1 : code;
      resolve();
    });
    child.on('error', (e) => {
      restore();
      console.error('bench: unshare: ' + e.message);
      process.exitCode = 1;
      resolve();
    });
  });
}

function which(cmd) {
  for (const dir of (process.env.PATH || '/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', cmd);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch (e) { /* next */ }
  }
  return null;
}

function startLoad(size) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'loadgen.js'), '--size', size, '--stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error('loadgen exited with ' + code + ' before it was ready')));
  });
}

function stopLoad(load) {
  return new Promise((resolve) => {
    if (!load || load.child.exitCode !== null) return resolve();
    load.child.removeAllListeners('exit');
    load.child.on('exit', () => resolve());
    load.child.stdin.end();
    setTimeout(() => { try { load.child.kill('SIGTERM'); } catch (e) { /* gone */ } }, 30000).unref();
  });
}

const lines = (s) => s.split('\n');
const has = (s, ...parts) => lines(s).some((l) => parts.every((p) => (typeof p === 'string' ? l.includes(p) : p.test(l))));

/** The commands, each with a check that its output names the known owner. */
function commands(info, tools, netstatMode) {
  const { port, pid } = info;
  const node = process.execPath;
  const pidWord = new RegExp('(^|\\s)' + pid + '(\\s|$)');
  const list = [
    { name: 'portown PORT', argv: [node, BUNDLE, String(port)], check: (o) => has(o, ':' + port, pidWord) },
    // The scans forced, to check the rule in src/query/plan.ts that picks one: the sync scan after the
    // tables; the pool scan after the tables; the pool scan with the tables read beside it.
    { name: 'portown PORT, sync scan', argv: [node, BUNDLE, String(port)], env: { PORTOWN_SCAN: 'sync' }, check: (o) => has(o, ':' + port, pidWord) },
    { name: 'portown PORT, async scan', argv: [node, BUNDLE, String(port)], env: { PORTOWN_SCAN: 'async' }, check: (o) => has(o, ':' + port, pidWord) },
    { name: 'portown PORT, pipelined', argv: [node, BUNDLE, String(port)], env: { PORTOWN_SCAN: 'pipe' }, check: (o) => has(o, ':' + port, pidWord) },
    { name: 'portown --pid PID', argv: [node, BUNDLE, '--pid', String(pid)], check: (o) => has(o, '127.0.0.1:' + port, pidWord) },
    // The default query (ss -ltnup): on the large host it matches ~7,000 listening sockets.
    { name: 'portown (listening)', argv: [node, BUNDLE], check: (o) => has(o, '127.0.0.1:' + port + ' ', 'LISTEN', pidWord) },
    { name: 'portown --all --json', argv: [node, BUNDLE, '--all', '--json'],
      check: (o) => has(o, '"local":{"address":"127.0.0.1","port":' + port + '}', '"pid":' + pid + ',') },
  ];
  if (netstatMode) {
    list.push({ name: 'portown netstat -ntpa', argv: [node, BUNDLE, 'netstat', '-ntpa'], check: (o) => has(o, '127.0.0.1:' + port + ' ', 'LISTEN', ' ' + pid + '/') });
  }
  if (tools.floor) list.push({ name: 'C floor (floor.c)', argv: [tools.floor, String(port)], check: (o) => has(o, new RegExp('^' + pid + ' ')) });
  if (tools.netstat) list.push({ name: 'netstat -ntpa', argv: [tools.netstat, '-ntpa'], check: (o) => has(o, '127.0.0.1:' + port + ' ', 'LISTEN', ' ' + pid + '/') });
  if (tools.ss) list.push({ name: 'ss -ltnup', argv: [tools.ss, '-ltnup'], check: (o) => has(o, '127.0.0.1:' + port + ' ', 'pid=' + pid + ',') });
  if (tools.ss) list.push({ name: 'ss -tanp', argv: [tools.ss, '-tanp'], check: (o) => has(o, '127.0.0.1:' + port + ' ', 'pid=' + pid + ',') });
  if (tools.lsof) list.push({ name: 'lsof -nP -iTCP:PORT', argv: [tools.lsof, '-nP', '-iTCP:' + port], check: (o) => has(o, new RegExp('^\\S+\\s+' + pid + '\\s'), ':' + port + ' (LISTEN)') });
  if (tools.fuser) list.push({ name: 'fuser -n tcp PORT', argv: [tools.fuser, '-n', 'tcp', String(port)], check: (o) => pidWord.test(o) });
  list.push({ name: 'node -e 0', argv: [node, '-e', '0'], check: null });
  return list;
}

/** Runs argv once with stdout/stderr to files (stdout to outPath when given); returns wall ms, cpu ms, peak RSS KB (NaN when unknown). */
function measure(argv, env, tmp, timeBin, outPath) {
  const out = fs.openSync(outPath || path.join(tmp, 'out'), 'w');
  const err = fs.openSync(path.join(tmp, 'err'), 'w');
  const rusage = path.join(tmp, 'rusage');
  const full = timeBin ? [timeBin, '-f', '%U %S %M', '-o', rusage].concat(argv) : argv;
  const t0 = process.hrtime();
  const r = spawnSync(full[0], full.slice(1), { stdio: ['ignore', out, err], env: env ? Object.assign({}, process.env, env) : process.env });
  const dt = process.hrtime(t0);
  fs.closeSync(out);
  fs.closeSync(err);
  if (r.error) throw r.error;
  let cpu = NaN, rss = NaN;
  if (timeBin) {
    // GNU time puts "Command exited with non-zero status N" first when the exit code is not 0.
    const f = fs.readFileSync(rusage, 'latin1').trim().split('\n').pop().split(' ');
    cpu = (+f[0] + +f[1]) * 1000;
    rss = +f[2];
  }
  return { wall: dt[0] * 1000 + dt[1] / 1e6, cpu, rss, status: r.status };
}

function median(xs) {
  const s = xs.filter((x) => !isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtMs = (x) => (isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtMb = (kb) => (isNaN(kb) ? '-' : (kb / 1024).toFixed(1));

function table(head, rows) {
  const out = ['| ' + head.join(' | ') + ' |', '|' + head.map((h, i) => (i ? '---:' : '---')).join('|') + '|'];
  for (const r of rows) out.push('| ' + r.join(' | ') + ' |');
  return out.join('\n');
}

function netstatModeReady() {
  const r = spawnSync(process.execPath, [BUNDLE, 'netstat', '--help'], { encoding: 'utf8' });
  return !/not built yet/.test(r.stderr || '');
}

function compileFloor(tmp) {
  const cc = which('cc') || which('gcc');
  if (!cc) return null;
  const exe = path.join(tmp, 'floor');
  const r = spawnSync(cc, ['-O2', '-o', exe, path.join(__dirname, 'floor.c')], { stdio: 'inherit' });
  return r.status === 0 ? exe : null;
}

/** TIME_WAIT rows (state 06) in the host's TCP tables, left by an earlier run's teardown. */
function timeWaitRows() {
  let n = 0;
  for (const t of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of fs.readFileSync(t, 'latin1').split('\n')) if (line.split(/\s+/)[4] === '06') n++;
    } catch (e) { /* no such table */ }
  }
  return n;
}

/**
 * Waits (at most 70 s) for the TIME_WAIT rows of an earlier run to go: every
 * tool reads them, and a "small host" with 50,000 of them is not small.
 */
async function drainTimeWait() {
  let n = timeWaitRows();
  if (n < 1000) return;
  console.log('waiting for ' + n + ' TIME_WAIT rows of an earlier run to expire (up to 70 s) ...');
  for (let i = 0; i < 70 && n >= 1000; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    n = timeWaitRows();
  }
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error('bench: ' + e.message);
    process.exit(2);
  }
  if (o.ehash && !process.env.PORTOWN_BENCH_NETNS) {
    try {
      return await runInNetns(o);
    } catch (e) {
      console.error('bench: ' + e.message);
      process.exit(2);
    }
  }
  require('../dev/build.js').buildBundle();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-bench-'));
  let load = null;
  const stop = () => { if (load) { try { load.child.kill('SIGTERM'); } catch (e) { /* gone */ } } fs.rmSync(tmp, { recursive: true, force: true }); };
  process.on('SIGINT', () => { stop(); process.exit(130); });
  process.on('SIGTERM', () => { stop(); process.exit(143); });
  try {
    const tools = { floor: compileFloor(tmp), netstat: which('netstat'), ss: which('ss'), lsof: which('lsof'), fuser: which('fuser') };
    const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
    const netstatMode = netstatModeReady();
    const ehash = ehashSize();
    console.log('machine: ' + os.cpus().length + ' x ' + (os.cpus()[0] || {}).model + ', ' + (os.totalmem() / 2 ** 30).toFixed(1) + ' GiB, Linux ' + os.release() + ', Node ' + process.version +
      (ehash ? ', TCP established hash ' + ehash + ' buckets' + (process.env.PORTOWN_BENCH_NETNS ? ' (--ehash: a network namespace of its own)' : '') : ''));
    if (o.ehash && ehash !== o.ehash) throw new Error('asked for --ehash ' + o.ehash + ', but this namespace has ' + ehash + ' buckets');
    if (!timeBin) console.log('no /usr/bin/time (GNU time): CPU and peak RSS are not measured');
    if (!netstatMode) console.log('portown netstat -ntpa: skipped (netstat mode is not built on this branch yet)');
    for (const t of ['netstat', 'ss', 'lsof', 'fuser']) if (!tools[t]) console.log(t + ': not installed, skipped');
    if (!tools.floor) console.log('C floor: no cc, skipped');
    await drainTimeWait();
    console.log('starting the ' + o.size + ' load ...');
    load = await startLoad(o.size);
    const info = load.info;
    console.log('load: ' + info.processes + ' processes, ' + info.sockets + ' sockets, ~' + info.fds + ' fds in its children (built in ' + (info.ms / 1000).toFixed(1) + ' s); known: port ' + info.port + ' held by pid ' + info.pid);
    const cmds = commands(info, tools, netstatMode).filter((c) => !o.only || o.only.some((w) => c.name.includes(w)));
    const res = cmds.map(() => ({ wall: [], cpu: [], rss: [], found: 0, runs: 0 }));
    for (let r = 0; r < o.rounds; r++) {
      for (let k = 0; k < cmds.length; k++) {
        const i = (k + r) % cmds.length;
        const m = measure(cmds[i].argv, cmds[i].env, tmp, timeBin);
        const x = res[i];
        x.wall.push(m.wall); x.cpu.push(m.cpu); x.rss.push(m.rss); x.runs++;
        if (cmds[i].check && cmds[i].check(fs.readFileSync(path.join(tmp, 'out'), 'latin1'))) x.found++;
      }
      process.stdout.write('round ' + (r + 1) + '/' + o.rounds + ' done\n');
    }
    const med = res.map((x) => ({ wall: median(x.wall), cpu: median(x.cpu), rss: median(x.rss), min: Math.min.apply(null, x.wall) }));
    console.log('\n### ' + o.size + ': ' + info.processes + ' processes, ' + info.sockets + ' sockets, median of ' + o.rounds + '\n');
    console.log(table(['command', 'wall ms', 'min ms', 'CPU ms', 'peak RSS MB', 'found owner'],
      cmds.map((c, i) => [c.name, fmtMs(med[i].wall), fmtMs(med[i].min), fmtMs(med[i].cpu), fmtMb(med[i].rss),
        c.check ? (res[i].found === res[i].runs ? 'yes' : res[i].found + '/' + res[i].runs) : '-'])));
    console.log('\n' + ratios(cmds, med, o.size));
  } finally {
    await stopLoad(load);
    load = null;
    stop();
  }
}

/** portown against each peer, from the medians of this run, next to the target. */
function ratios(cmds, med, size) {
  const at = (name) => { const i = cmds.findIndex((c) => c.name === name); return i < 0 ? null : med[i]; };
  const rows = [];
  const speed = (a, b, target) => {
    const x = at(a), y = at(b);
    if (!x || !y) return;
    const f = y.wall / x.wall;
    rows.push([a + ' vs ' + b, f.toFixed(2) + 'x', target ? '>= ' + target + 'x' : '', target ? (f >= target ? 'met' : 'missed') : '']);
  };
  speed('portown PORT', 'C floor (floor.c)', 1);
  speed('portown PORT', 'fuser -n tcp PORT', 1.5);
  speed('portown PORT', 'lsof -nP -iTCP:PORT', 3);
  speed('portown PORT', 'ss -tanp', 8);
  speed('portown PORT', 'netstat -ntpa', 8);
  speed('portown netstat -ntpa', 'netstat -ntpa', 5);
  speed('portown (listening)', 'ss -ltnup', 0);
  const base = at('node -e 0');
  if (base) {
    const p = at('portown PORT');
    if (p && size === 'small') rows.push(['portown PORT - node -e 0 (wall)', '+' + fmtMs(p.wall - base.wall) + ' ms', '<= 25 ms (small host)', p.wall - base.wall <= 25 ? 'met' : 'missed']);
    for (const c of cmds) {
      if (!c.name.startsWith('portown')) continue;
      const d = (at(c.name).rss - base.rss) / 1024;
      if (!isNaN(d)) rows.push([c.name + ' - node -e 0 (peak RSS)', (d >= 0 ? '+' : '') + d.toFixed(2) + ' MB', '<= 8 MB', d <= 8 ? 'met' : 'missed']);
    }
  }
  return table(['comparison', 'figure', 'target', ''], rows);
}

// scripts/bench/ab.js and netns-bench.js reuse the load and the helpers.
module.exports = { startLoad, stopLoad, drainTimeWait, measure, median, table, fmtMs, fmtMb, which };

if (require.main === module) {
  main().catch((e) => {
    console.error('bench: ' + (e && e.stack ? e.stack : e));
    process.exitCode = 1;
  });
}

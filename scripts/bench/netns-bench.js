#!/usr/bin/env node
// Network namespaces (issue #14): `portown --netns all` against the best a
// user can do today, which is ss run once in each namespace, and the cost of
// the note a port query prints when it misses here but not elsewhere.
//
//   node scripts/bench/netns-bench.js [--namespaces N] [--rounds R] [--bundle PATH]
//   (defaults: 36 namespaces, 9 rounds, build/portown.js; as root)
//
// Setup: N namespaces made with `ip netns add portown-bench-<pid>-<k>`, loopback
// up, and in each a node holder listening on 127.0.0.1 TCP ports P and Q, with
// a bound UDP socket and an established TCP connection to its own P; plus the
// same holder in our own namespace, listening on P only. So `portown P --netns
// all` has N+1 answers, Q is in use everywhere but here, and R nowhere.
//
// Before timing, every command's output is checked once (the exact holder pids
// and namespaces for portown; the same pids in the summed ss outputs; the miss
// note for Q only). Then rounds as in bench.js: every command once per round in
// an order rotated by one, wall time around the run, CPU (user+sys) and peak
// RSS from GNU time via bench.measure. A summed ss row is one `sh -c` running ss
// in each namespace one after another, so its CPU covers them all and its peak
// RSS is that of the largest single run.
//
// The holders end when our stdin pipe to them closes, and the namespaces are
// deleted on exit, error, SIGINT, SIGTERM and SIGHUP. A SIGKILL leaves the
// namespaces: `ip netns del portown-bench-<pid>-<k>` removes them.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const bench = require('./bench.js');

const root = path.resolve(__dirname, '..', '..');
const USAGE = 'usage: node scripts/bench/netns-bench.js [--namespaces N] [--rounds R] [--bundle PATH]';
// Every inet table a port query reads in each namespace (any protocol, both families).
const INET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6'];

function usage(msg) {
  console.error('netns-bench: ' + msg + '\n' + USAGE);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { namespaces: 36, rounds: 9, bundle: path.join(root, 'build', 'portown.js') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--namespaces') o.namespaces = Number(argv[++i]);
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--bundle') o.bundle = path.resolve(String(argv[++i]));
    else if (a === '-h' || a === '--help') {
      console.log(USAGE + '\n(see the top of this file)');
      process.exit(0);
    } else usage('unknown argument ' + JSON.stringify(a));
  }
  if (!(Number.isInteger(o.namespaces) && o.namespaces >= 1)) usage('expected --namespaces to be a whole number >= 1');
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) usage('expected --rounds to be a whole number >= 1');
  if (!fs.existsSync(o.bundle) || !fs.statSync(o.bundle).isFile()) usage('no such bundle: ' + o.bundle + ' (build it with node scripts/dev/build.js)');
  return o;
}

// ---------------------------------------------------------------- setup and cleanup

const state = { tmp: null, names: [], holders: [], ip: null };

function cleanup() {
  for (const h of state.holders) { try { h.child.kill('SIGKILL'); } catch (e) { /* gone */ } }
  state.holders = [];
  for (const name of state.names) spawnSync(state.ip, ['netns', 'del', name], { stdio: 'ignore' });
  state.names = [];
  if (state.tmp) { try { fs.rmSync(state.tmp, { recursive: true, force: true }); } catch (e) { /* gone */ } state.tmp = null; }
}

// The holder: argv is P, then Q or 0. It prints what it made as one JSON line
// and ends when its stdin closes, so a killed bench leaves no holder behind.
const HOLDER = String.raw`
'use strict';
const net = require('net');
const dgram = require('dgram');
const fs = require('fs');
const bye = () => process.exit(0);
process.stdin.on('end', bye);
process.stdin.on('error', bye);
process.stdin.resume();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, bye);
const listen = (port) => new Promise((res, rej) => {
  const accepted = [];
  const s = net.createServer({ pauseOnConnect: true }, (c) => accepted.push(c));
  s.on('error', rej);
  s.listen({ host: '127.0.0.1', port }, () => res({ s, accepted }));
});
(async () => {
  const p = +process.argv[1], q = +process.argv[2];
  const lp = await listen(p);
  if (q) await listen(q);
  const u = await new Promise((res, rej) => { const u = dgram.createSocket('udp4'); u.on('error', rej); u.bind(0, '127.0.0.1', () => res(u)); });
  const c = await new Promise((res, rej) => {
    const c = net.connect({ host: '127.0.0.1', port: p }, () => {
      c.pause();
      const wait = () => (lp.accepted.length ? res(c) : setTimeout(wait, 2));
      wait();
    });
    c.on('error', rej);
  });
  const ns = /net:\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/net'))[1];
  process.stdout.write(JSON.stringify({ pid: process.pid, netns: ns, udp: u.address().port, client: c.localPort, sockets: q ? 5 : 4 }) + '\n');
})().catch((e) => { process.stderr.write('holder: ' + (e && e.stack || e) + '\n'); process.exit(1); });
`;

/** Starts a holder (in namespace `name`, or here when null); resolves with what it printed. */
function startHolder(name, p, q) {
  const argv = [process.execPath, '-e', HOLDER, String(p), String(q)];
  const full = name ? [state.ip, 'netns', 'exec', name].concat(argv) : argv;
  return new Promise((resolve, reject) => {
    // ip netns exec execs the command, so this child's pid is the holder's.
    const child = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    const h = { child, name, info: null };
    state.holders.push(h);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0 && !h.info) {
        h.info = JSON.parse(out.slice(0, nl));
        resolve(h);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => { if (!h.info) reject(new Error('the holder in ' + (name || 'our namespace') + ' exited with ' + code + ' before it was ready')); });
  });
}

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(argv.join(' ') + ': exit ' + r.status + ': ' + (r.stderr || '').trim());
  return r.stdout;
}

/** The network namespace of each process now: inode -> pids (processes we may not read are left out). */
function namespacesNow() {
  const map = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let ns;
    try { ns = /net:\[(\d+)\]/.exec(fs.readlinkSync('/proc/' + d + '/ns/net'))[1]; } catch (e) { continue; }
    if (!map.has(ns)) map.set(ns, []);
    map.get(ns).push(+d);
  }
  return map;
}

/** Three ports next to each other that no socket of any namespace uses, as portown itself sees it. */
function freePorts(bundle) {
  for (let i = 0; i < 50; i++) {
    // Below the usual ephemeral range, so no outgoing connection takes one meanwhile.
    const p = 20000 + Math.floor(Math.random() * 10000);
    const used = [p, p + 1, p + 2].some((x) => spawnSync(process.execPath, [bundle, String(x), '--netns', 'all'], { stdio: 'ignore' }).status !== 1);
    if (!used) return [p, p + 1, p + 2];
  }
  throw new Error('found no three free ports in a row between 20000 and 30000');
}

/** Median ms to read one namespace's inet tables in this process, through each pid's /proc/PID/net. */
function tableReadMs(pids) {
  const ms = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const pid of pids) {
      const t0 = process.hrtime();
      for (const t of INET_TABLES) { try { fs.readFileSync('/proc/' + pid + '/net/' + t); } catch (e) { /* no such table */ } }
      const dt = process.hrtime(t0);
      ms.push(dt[0] * 1000 + dt[1] / 1e6);
    }
  }
  return bench.median(ms);
}

// ---------------------------------------------------------------- checks

function fail(msg) {
  console.error('netns-bench: ' + msg);
  process.exitCode = 1;
  return false;
}

const sameSet = (a, b) => a.size === b.size && Array.from(a).every((x) => b.has(x));
const fmtSet = (s) => Array.from(s).sort((a, b) => a - b).join(',');

/** portown P --netns all --json: exactly the holders' pids, each in its own namespace, as /proc says. */
function checkPortown(bundle, P, holders) {
  const r = spawnSync(process.execPath, [bundle, String(P), '--netns', 'all', '--json'], { encoding: 'utf8' });
  if (r.status !== 0) return fail('portown ' + P + ' --netns all --json exited ' + r.status + ': ' + r.stderr.trim());
  let data;
  try { data = JSON.parse(r.stdout); } catch (e) { return fail('portown ' + P + ' --netns all --json printed no JSON array: ' + e.message); }
  const want = new Map(holders.map((h) => [h.info.pid, h.info.netns]));
  const pids = new Set();
  const nss = new Set();
  for (const s of data) {
    nss.add(s.netns);
    for (const ow of s.owners) {
      pids.add(ow.pid);
      if (want.has(ow.pid) && want.get(ow.pid) !== s.netns) return fail('portown ' + P + ' --netns all --json puts pid ' + ow.pid + ' in netns ' + s.netns + ', /proc says ' + want.get(ow.pid));
    }
  }
  if (!sameSet(pids, new Set(want.keys()))) return fail('portown ' + P + ' --netns all --json names pids ' + fmtSet(pids) + ', expected the holders ' + fmtSet(new Set(want.keys())));
  if (nss.size !== holders.length) return fail('portown ' + P + ' --netns all --json has ' + nss.size + ' distinct netns values, expected ' + holders.length);
  return true;
}

/** The pids ss names on LISTEN rows of 127.0.0.1:P. */
function ssListenPids(text, P) {
  const pids = new Set();
  for (const l of text.split('\n')) {
    if (!/^LISTEN\s/.test(l) || !l.includes('127.0.0.1:' + P + ' ')) continue;
    const m = /pid=(\d+),/.exec(l);
    if (m) pids.add(+m[1]);
  }
  return pids;
}

/** Runs each command once, untimed, and checks its output and exit code. */
function checkCommands(cmds, ctx) {
  for (const c of cmds) {
    if (!c.check) continue;
    const r = spawnSync(c.argv[0], c.argv.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error) return fail(c.name + ': ' + r.error.message);
    if (r.status !== c.code) return fail(c.name + ': exit ' + r.status + ', expected ' + c.code + (r.stderr ? ': ' + r.stderr.trim().slice(0, 500) : ''));
    const why = c.check(r.stdout, r.stderr, ctx);
    if (why) return fail(c.name + ': ' + why);
  }
  return true;
}

// ---------------------------------------------------------------- commands

function commands(o, P, Q, R, holders, nsCount) {
  const node = process.execPath;
  const ss = bench.which('ss');
  const nsenter = bench.which('nsenter');
  const named = holders.filter((h) => h.name);
  const pids = new Set(holders.map((h) => h.info.pid));
  const N = named.length;
  const q = (s) => "'" + s.replace(/'/g, "'\\''") + "'";
  const filter = 'sport = :' + P;
  // One ss per namespace, one after another, ours first: what a user scripts today.
  const viaIp = (args) => [ss].concat(args).map(q).join(' ') + '; ' + named.map((h) => [state.ip, 'netns', 'exec', h.name, ss].concat(args).map(q).join(' ')).join('; ');
  const viaNsenter = (args) => [ss].concat(args).map(q).join(' ') + '; ' + named.map((h) => [nsenter, '-t', String(h.info.pid), '-n', ss].concat(args).map(q).join(' ')).join('; ');
  const ssPort = (out) => {
    const got = ssListenPids(out, P);
    return sameSet(got, pids) ? null : 'LISTEN rows of 127.0.0.1:' + P + ' name pids ' + fmtSet(got) + ', expected ' + fmtSet(pids);
  };
  const tag = '(' + N + ' + ours)';
  return [
    { key: 'port', name: 'portown ' + P + ' --netns all', argv: [node, o.bundle, String(P), '--netns', 'all'], code: 0, out: 'file' },
    { key: 'all', name: 'portown --all --netns all', argv: [node, o.bundle, '--all', '--netns', 'all'], code: 0, out: '/dev/null',
      check: (out) => Array.from(pids).every((p) => new RegExp(' ' + p + ' ').test(out)) ? null : 'not every holder pid is listed' },
    { key: 'ssPortIp', name: "ip netns exec NAME ss -tanp '" + filter + "' " + tag, argv: ['sh', '-c', viaIp(['-tanp', filter])], code: 0, out: 'file', check: ssPort },
    { key: 'ssPortNsenter', name: "nsenter -t PID -n ss -tanp '" + filter + "' " + tag, argv: ['sh', '-c', viaNsenter(['-tanp', filter])], code: 0, out: 'file', check: ssPort },
    { key: 'ssAllIp', name: 'ip netns exec NAME ss -tanp ' + tag, argv: ['sh', '-c', viaIp(['-tanp'])], code: 0, out: '/dev/null', check: ssPort },
    { key: 'ssAllNsenter', name: 'nsenter -t PID -n ss -tanp ' + tag, argv: ['sh', '-c', viaNsenter(['-tanp'])], code: 0, out: '/dev/null', check: ssPort },
    { key: 'missQ', name: 'portown ' + Q + ' (miss here, in use in ' + N + ' others: note)', argv: [node, o.bundle, String(Q)], code: 1, out: 'file',
      check: (out, err) => (new RegExp('port ' + Q + ' is not in use in this network namespace, but is in ' + (N > 1 ? N + ' others' : 'another')).test(err) ? null : 'no note naming the ' + N + ' namespaces: ' + err.trim()) },
    { key: 'missR', name: 'portown ' + R + ' (used nowhere: same look, no note)', argv: [node, o.bundle, String(R)], code: 1, out: 'file',
      check: (out, err) => (/is not in use in this network namespace/.test(err) ? 'a note for a port used nowhere: ' + err.trim() : null) },
    // A miss that does not look elsewhere (--netns picks our own tables), to isolate the look.
    { key: 'missSelf', name: 'portown ' + R + ' --netns pid:' + process.pid + ' (miss, no look)', argv: [node, o.bundle, String(R), '--netns', 'pid:' + process.pid], code: 1, out: 'file',
      check: (out, err) => (/is not in use in this network namespace/.test(err) ? 'a note: ' + err.trim() : null) },
    { key: 'hit', name: 'portown ' + P + ' (hit here: no look)', argv: [node, o.bundle, String(P)], code: 0, out: 'file',
      check: (out) => (new RegExp(' ' + holders.find((h) => !h.name).info.pid + ' ').test(out) ? null : 'our holder is not named') },
    { key: 'base', name: 'node -e 0', argv: [node, '-e', '0'], code: 0, out: '/dev/null' },
  ];
}

// ---------------------------------------------------------------- main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (process.getuid && process.getuid() !== 0) usage('needs root (ip netns add, nsenter, ss -p of every process)');
  state.ip = bench.which('ip');
  for (const t of ['ip', 'ss', 'nsenter', 'sh']) if (!bench.which(t)) usage(t + ' is not on PATH');
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  if (!timeBin) console.log('no /usr/bin/time (GNU time): CPU and peak RSS are not measured');
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-netns-bench-'));
  process.on('exit', cleanup);
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) process.on(sig, () => { cleanup(); process.exit(code); });

  console.log('machine: ' + os.cpus().length + ' x ' + (os.cpus()[0] || {}).model + ', Linux ' + os.release() + ', Node ' + process.version + '; bundle ' + o.bundle);
  const [P, Q, R] = freePorts(o.bundle);
  const t0 = Date.now();
  for (let k = 0; k < o.namespaces; k++) {
    const name = 'portown-bench-' + process.pid + '-' + k;
    run([state.ip, 'netns', 'add', name]);
    state.names.push(name);
    run([state.ip, '-n', name, 'link', 'set', 'lo', 'up']);
  }
  const holders = await Promise.all([startHolder(null, P, 0)].concat(state.names.map((n) => startHolder(n, P, Q))));
  const nsMap = namespacesNow();
  const procs = Array.from(nsMap.values()).reduce((n, l) => n + l.length, 0);
  const self = holders[0].info.netns;
  const ours = new Set(holders.map((h) => h.info.netns));
  const others = nsMap.size - 1;
  console.log('setup (' + ((Date.now() - t0) / 1000).toFixed(1) + ' s): ' + o.namespaces + ' named namespaces + ours, ' + holders.length + ' holder processes, ' +
    holders.reduce((n, h) => n + h.info.sockets, 0) + ' sockets (each: TCP listener on 127.0.0.1:' + P + ', UDP, an established pair to ' + P +
    '; the named ones also listen on ' + Q + '); port ' + R + ' used nowhere');
  console.log('host: ' + procs + ' processes in ' + nsMap.size + ' network namespaces (' + (nsMap.size - ours.size) + ' not ours); a miss here looks in the ' + others + ' other than ours');
  if (ours.size !== holders.length || holders[0].info.netns !== self) return fail('the holders are not in ' + holders.length + ' distinct namespaces');

  if (!checkPortown(o.bundle, P, holders)) return;
  const cmds = commands(o, P, Q, R, holders, nsMap.size);
  if (!checkCommands(cmds)) return;
  console.log('checked: portown ' + P + ' --netns all --json names the ' + holders.length + ' holders in ' + holders.length + ' distinct namespaces; every other command printed what it should');

  const file = path.join(state.tmp, 'out');
  const res = cmds.map(() => ({ wall: [], cpu: [], rss: [], bad: 0 }));
  const t1 = Date.now();
  for (let r = 0; r < o.rounds; r++) {
    for (let k = 0; k < cmds.length; k++) {
      const i = (k + r) % cmds.length;
      const c = cmds[i];
      const m = bench.measure(c.argv, null, state.tmp, timeBin, c.out === 'file' ? file : c.out);
      const x = res[i];
      x.wall.push(m.wall); x.cpu.push(m.cpu); x.rss.push(m.rss);
      if (m.status !== c.code) x.bad++;
      // measure is synchronous: let a SIGINT or SIGTERM handler run between runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write('round ' + (r + 1) + '/' + o.rounds + ' done\n');
  }
  const after = namespacesNow().size;
  const readMs = tableReadMs(holders.filter((h) => h.name).map((h) => h.info.pid));

  const md = bench.median;
  const fmt = bench.fmtMs;
  const med = {};
  cmds.forEach((c, i) => { med[c.key] = { wall: md(res[i].wall), cpu: md(res[i].cpu), rss: md(res[i].rss) }; });
  const rows = cmds.map((c, i) => [c.name, fmt(med[c.key].wall), fmt(Math.min.apply(null, res[i].wall)) + '–' + fmt(Math.max.apply(null, res[i].wall)),
    fmt(med[c.key].cpu), bench.fmtMb(med[c.key].rss), String(res[i].wall.length)]);
  console.log('\n### --netns all: ' + o.namespaces + ' named namespaces + ours (' + nsMap.size + ' with a process), median of ' + o.rounds + ' rounds (' + ((Date.now() - t1) / 1000).toFixed(0) + ' s)\n');
  console.log(bench.table(['command', 'wall ms', 'min–max ms', 'CPU ms', 'peak RSS MiB', 'rounds'], rows));

  const ratio = (a, b) => [b.name + ' / ' + a.name, (med[b.key].wall / med[a.key].wall).toFixed(2) + 'x', (med[b.key].cpu / med[a.key].cpu).toFixed(2) + 'x'];
  const by = (key) => cmds.find((c) => c.key === key);
  console.log('\n' + bench.table(['summed ss / portown', 'wall', 'CPU'], [
    ratio(by('port'), by('ssPortIp')), ratio(by('port'), by('ssPortNsenter')),
    ratio(by('all'), by('ssAllIp')), ratio(by('all'), by('ssAllNsenter')),
  ]));
  const extra = (a, b) => {
    const w = med[a].wall - med[b].wall;
    const c = med[a].cpu - med[b].cpu;
    return [by(a).name.replace(/ \(.*/, '') + ' − ' + by(b).name.replace(/ \(.*/, ''), (w >= 0 ? '+' : '') + fmt(w) + ' ms', (c >= 0 ? '+' : '') + fmt(c) + ' ms',
      fmt(w / others) + ' ms', fmt(c / others) + ' ms'];
  };
  console.log('\n' + bench.table(['miss cost', 'wall', 'CPU', 'wall per other namespace', 'CPU per other namespace'], [
    extra('missQ', 'missSelf'), extra('missR', 'missSelf'), extra('missQ', 'hit'), extra('missR', 'hit'),
  ]));
  console.log('\nreading one namespace\'s ' + INET_TABLES.join(', ') + ' here (through /proc/PID/net, median of ' + (3 * o.namespaces) + '): ' + fmt(readMs) + ' ms; other namespaces: ' + others);
  if (after !== nsMap.size) console.log('note: namespaces with a process changed during the rounds, ' + nsMap.size + ' -> ' + after + ' (another user of this machine)');
  cmds.forEach((c, i) => { if (res[i].bad) console.log('warning: ' + c.name + ' exited other than ' + c.code + ' in ' + res[i].bad + ' of ' + o.rounds + ' runs'); });
}

main().then(() => {
  cleanup();
  process.exit(process.exitCode || 0);
}, (e) => {
  console.error('netns-bench: ' + (e && e.stack ? e.stack : e));
  cleanup();
  process.exit(1);
});

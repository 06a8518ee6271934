#!/usr/bin/env node
// A busy host on loopback, for the benchmark: many processes holding many
// sockets and non-socket fds, the way a real server looks from /proc.
//
//   node scripts/bench/loadgen.js --size small|medium|large [--stdin]
//   node scripts/bench/loadgen.js --processes N --sockets N [--stdin]
//   node scripts/bench/loadgen.js --cleanup        kill leftovers of a crashed run
//
// small = 50 processes / 200 sockets, medium = 500 / 20,000, large = 2,000 / 100,000.
//
// The hard fd limit here is 20,000 per process, so the load is built in
// batches: this process opens a batch of sockets and files, hands them to
// `sleep` children (spawn's stdio array of integer fds: each child inherits
// them at fds 3, 4, ...), then closes its own copies and starts the next batch.
// The mix: TCP listeners and established pairs on 127.0.0.1 and ::1, UDP
// sockets (v4 and v6), and non-socket fds: /dev/null, regular files, pipes.
//
// When ready it prints one JSON line on stdout:
//   {"port":P,"pid":PID,"processes":N,"sockets":N,"fds":N,"tag":"...","ms":N}
// where P is a TCP listener on 127.0.0.1 held by the process PID (a `sleep`).
// It then waits for SIGINT/SIGTERM (or, with --stdin, for stdin to close) and
// kills everything it started; it also does so when it fails.
'use strict';
const net = require('net');
const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

// The children run `sleep TAG`: the tag lets --cleanup find them after a crash.
const TAG = '86399.4242';
const SIZES = {
  small: { processes: 50, sockets: 200 },
  medium: { processes: 500, sockets: 20000 },
  large: { processes: 2000, sockets: 100000 },
};
// Open fds this process may hold at once (the hard limit is 20,000).
const BATCH_FDS = 6000;
const CONNECT_IN_FLIGHT = 200;

const children = []; // pids
let pipeline = null; // the `sh -c 'sleep | sleep'` that provides pipes
let tmpDir = null;
let cleaned = false;

function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const pid of children) { try { process.kill(pid, 'SIGKILL'); } catch (e) { /* gone */ } }
  if (pipeline) { try { process.kill(-pipeline.pid, 'SIGKILL'); } catch (e) { /* gone */ } }
  if (tmpDir) { try { fs.rmSync(tmpDir, { recursive: true, force: true }); } catch (e) { /* gone */ } }
}

function fail(e) {
  process.stderr.write('loadgen: ' + (e && e.stack ? e.stack : e) + '\n');
  cleanup();
  process.exit(1);
}

/** Kills the processes a crashed run left behind: `sleep TAG` and its pipeline shell. */
function cleanupLeftovers() {
  let n = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || +name === process.pid) continue;
    let cmd;
    try { cmd = fs.readFileSync('/proc/' + name + '/cmdline', 'latin1'); } catch (e) { continue; }
    if (cmd === 'sleep\0' + TAG + '\0' || (cmd.startsWith('sh\0-c\0') && cmd.includes('sleep ' + TAG))) {
      try { process.kill(+name, 'SIGKILL'); n++; } catch (e) { /* gone */ }
    }
  }
  return n;
}

function parseArgs(argv) {
  const o = { processes: 0, sockets: 0, stdin: false, cleanup: false, size: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') o.size = argv[++i];
    else if (a === '--processes') o.processes = +argv[++i];
    else if (a === '--sockets') o.sockets = +argv[++i];
    else if (a === '--stdin') o.stdin = true;
    else if (a === '--cleanup') o.cleanup = true;
    else throw new Error('unknown argument ' + JSON.stringify(a) + ' (expected --size small|medium|large, --processes N, --sockets N, --stdin, --cleanup)');
  }
  if (o.size) {
    const s = SIZES[o.size];
    if (!s) throw new Error('expected --size small, medium or large, got ' + JSON.stringify(o.size));
    o.processes = o.processes || s.processes;
    o.sockets = o.sockets || s.sockets;
  }
  if (!o.cleanup && !(o.processes >= 5 && o.sockets >= 4)) throw new Error('expected --size NAME, or --processes N (>= 5) and --sockets N (>= 4)');
  return o;
}

const fdOf = (h) => (h && h._handle && typeof h._handle.fd === 'number' ? h._handle.fd : -1);

// dgram keeps its handle behind a symbol (the getter is deprecated).
function udpFd(sock) {
  const sym = Object.getOwnPropertySymbols(sock).find((k) => String(k) === 'Symbol(state symbol)');
  const h = sym ? sock[sym].handle : null;
  return h && typeof h.fd === 'number' ? h.fd : -1;
}

function listen(host) {
  return new Promise((resolve, reject) => {
    const accepted = [];
    const srv = net.createServer({ pauseOnConnect: true }, (c) => accepted.push(c));
    srv.on('error', reject);
    srv.listen({ host, port: 0, backlog: 4096 }, () => resolve({ srv, accepted, host, port: srv.address().port }));
  });
}

function bindUdp(host) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.on('error', reject);
    s.bind(0, host, () => resolve(s));
  });
}

/** Connects n clients spread over the listeners, at most CONNECT_IN_FLIGHT at a time; waits until all are accepted. */
function connectPairs(listeners, n) {
  return new Promise((resolve, reject) => {
    const clients = [];
    if (n === 0 || listeners.length === 0) return resolve(clients);
    let started = 0;
    let connected = 0;
    const startOne = () => {
      const l = listeners[started % listeners.length];
      started++;
      const c = net.connect({ host: l.host, port: l.port, allowHalfOpen: true }, () => {
        c.pause();
        connected++;
        if (started < n) startOne();
        else if (connected === n) waitAccepted();
      });
      c.on('error', reject);
      clients.push(c);
    };
    const waitAccepted = () => {
      let tries = 0;
      const check = () => {
        const got = listeners.reduce((a, l) => a + l.accepted.length, 0);
        if (got >= n) return resolve(clients);
        if (++tries > 2000) return reject(new Error('only ' + got + ' of ' + n + ' connections were accepted'));
        setTimeout(check, 5);
      };
      check();
    };
    for (let i = 0; i < Math.min(CONNECT_IN_FLIGHT, n); i++) startOne();
  });
}

/** Starts `sleep TAG | sleep TAG` and returns the pid of the writer: /proc/PID/fd/1 is a pipe we can open again. */
function startPipeline() {
  pipeline = spawn('sh', ['-c', 'sleep ' + TAG + ' | sleep ' + TAG], { stdio: 'ignore', detached: true });
  for (let tries = 0; tries < 400; tries++) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat;
      try { stat = fs.readFileSync('/proc/' + name + '/stat', 'latin1'); } catch (e) { continue; }
      const ppid = +stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid !== pipeline.pid) continue;
      try { if (fs.readlinkSync('/proc/' + name + '/fd/1').startsWith('pipe:')) return +name; } catch (e) { /* not yet */ }
    }
    const until = Date.now() + 5;
    while (Date.now() < until) { /* wait for the shell to fork */ }
  }
  throw new Error('the pipeline `sleep | sleep` did not start');
}

/** How many of each kind to make for this many sockets and non-socket fds. */
function plan(sockets) {
  const listeners = Math.max(2, Math.round(sockets * 0.02));
  const udp = Math.max(1, Math.round(sockets * 0.05));
  const pairs = Math.max(1, Math.floor((sockets - listeners - udp) / 2));
  return { listeners, udp, pairs, other: Math.round(sockets * 0.6) };
}

async function buildBatch(ctx, nChildren, share, first) {
  const p = plan(share);
  const fds = []; // [fd, close()] in creation order
  const v6 = (k) => k % 5 === 4; // one in five on ::1
  const l4 = [], l6 = [];
  for (let k = 0; k < p.listeners; k++) {
    const l = await listen(v6(k) ? '::1' : '127.0.0.1');
    (l.host === '::1' ? l6 : l4).push(l);
    fds.push([fdOf(l.srv), () => l.srv.close()]);
  }
  if (first) ctx.known = l4[0];
  for (let k = 0; k < p.udp; k++) {
    const s = await bindUdp(v6(k) ? '::1' : '127.0.0.1');
    fds.push([udpFd(s), () => s.close()]);
  }
  const p6 = l6.length ? Math.round(p.pairs * 0.15) : 0;
  const clients = (await connectPairs(l4, p.pairs - p6)).concat(await connectPairs(l6, p6));
  for (const c of clients) fds.push([fdOf(c), () => c.destroy()]);
  for (const l of l4.concat(l6)) for (const c of l.accepted) fds.push([fdOf(c), () => c.destroy()]);
  for (let k = 0; k < p.other; k++) {
    const which = k % 4;
    const file = which === 0 ? '/dev/null' : which === 1 ? ctx.files[k % ctx.files.length] : ctx.pipePath;
    const fd = fs.openSync(file, which === 1 ? 'r' : fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    fds.push([fd, () => fs.closeSync(fd)]);
  }
  for (const [fd] of fds) if (!(fd >= 0)) throw new Error('a socket without an fd');
  // Hand out round-robin; the known listener (the first fd of the first batch) goes to the first child.
  const per = [];
  for (let c = 0; c < nChildren; c++) per.push([]);
  fds.forEach(([fd], k) => per[k % nChildren].push(fd));
  for (let c = 0; c < nChildren; c++) {
    const child = spawn('sleep', [TAG], { stdio: ['ignore', 'ignore', 'ignore'].concat(per[c]) });
    if (!child.pid) throw new Error('could not start sleep');
    child.on('error', fail);
    children.push(child.pid);
    if (first && c === 0) ctx.knownPid = child.pid;
  }
  for (const [, close] of fds) close();
  ctx.sockets += fds.length - p.other;
  ctx.fds += fds.length + 3 * nChildren;
}

async function build(o) {
  const t0 = Date.now();
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-load-'));
  const files = [];
  for (let k = 0; k < 16; k++) {
    const f = path.join(tmpDir, 'data-' + k + '.log');
    fs.writeFileSync(f, 'x\n');
    files.push(f);
  }
  const writer = startPipeline();
  const ctx = { files, pipePath: '/proc/' + writer + '/fd/1', known: null, knownPid: 0, sockets: 0, fds: 0 };
  // Processes: this one, the pipeline (sh and two sleeps), and the children.
  const nChildren = Math.max(1, o.processes - 4);
  const perChild = (o.sockets * 1.6) / nChildren;
  const batchChildren = Math.max(1, Math.min(nChildren, Math.floor(BATCH_FDS / Math.max(1, perChild))));
  let made = 0;
  let socketsLeft = o.sockets;
  for (let b = 0; made < nChildren; b++) {
    const n = Math.min(batchChildren, nChildren - made);
    const share = Math.round(socketsLeft * n / (nChildren - made));
    await buildBatch(ctx, n, Math.max(4, share), b === 0);
    made += n;
    socketsLeft -= share;
  }
  return {
    port: ctx.known.port, pid: ctx.knownPid, processes: nChildren + 4, sockets: ctx.sockets, fds: ctx.fds,
    tag: TAG, ms: Date.now() - t0,
  };
}

function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write('loadgen: ' + e.message + '\n');
    process.exit(2);
  }
  if (o.cleanup) {
    const n = cleanupLeftovers();
    process.stdout.write('loadgen: killed ' + n + ' leftover process' + (n === 1 ? '' : 'es') + '\n');
    return;
  }
  process.on('exit', cleanup);
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { cleanup(); process.exit(0); });
  build(o).then((info) => {
    process.stdout.write(JSON.stringify(info) + '\n');
    if (o.stdin) {
      process.stdin.on('end', () => { cleanup(); process.exit(0); });
      process.stdin.on('error', () => { cleanup(); process.exit(0); });
      process.stdin.resume();
    } else {
      setInterval(() => {}, 1 << 30);
    }
  }, fail);
}

main();

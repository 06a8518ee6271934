#!/usr/bin/env node
// Churn stress test (issue 6): runs the bundle again and again while a helper
// process keeps opening and closing loopback sockets and spawning and killing
// processes that hold them, some of which exit on their own within
// milliseconds (between portown's table read and its fd scan).
//
//   node scripts/bench/churn.js [--runs 300] [--seconds 120] [--seed N] [--rate 200]
//   (PORTOWN_NODE="cmd ..." runs the bundle through that command, as the tests do)
//
// Every run must exit 0 or 1 (2 would mean a vanished process was taken for
// an unreadable /proc), print no stack trace, and every stderr line must be a
// "portown: " note. The helper records which pid held which socket inode, and
// at the end every owner portown named for one of the helper's inodes, or a
// helper pid named for any inet socket, must be in those records.
// Loopback only; bounded in runs and in time; the helper and its children are
// killed at the end. Prints one summary line "churn: ..." and exits 1 on failure.
'use strict';
const fs = require('fs');
const net = require('net');
const dgram = require('dgram');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const SCANS = ['sync', 'async', 'pipe'];

function opt(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : dflt;
}

// A small seeded PRNG (mulberry32), so a run's choices are reproducible in kind.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- helper --
// node churn.js --helper LOGFILE SEED RATE
// Writes one line per holding to LOGFILE: "<pid> <inode>", before or while the
// pid holds the inode (never only after it stopped). Stops on stdin end.
function helper(logFile, seed, rate) {
  const rand = rng(seed);
  const log = fs.openSync(logFile, 'w');
  const record = (pid, inode) => fs.writeSync(log, pid + ' ' + inode + '\n');
  const open = new Set(); // inodes this process holds now
  const inodeOf = (fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync('/proc/self/fd/' + fd));
      return m ? m[1] : null;
    } catch (e) {
      return null;
    }
  };
  const handleFd = (h) => (h && h._handle && typeof h._handle.fd === 'number' ? h._handle.fd : -1);
  const udpFd = (sock) => {
    const sym = Object.getOwnPropertySymbols(sock).find((k) => String(k) === 'Symbol(state symbol)');
    const h = sym ? sock[sym].handle : null;
    return h && typeof h.fd === 'number' ? h.fd : -1;
  };
  const hold = (fd) => {
    const inode = inodeOf(fd);
    if (inode) { open.add(inode); record(process.pid, inode); }
    return inode;
  };
  const children = new Set();
  let stopping = false;
  const stats = { listeners: 0, connections: 0, udp: 0, children: 0, killed: 0, selfExit: 0 };

  // A few stable listeners that clients connect to (they live for the whole run,
  // so a connect is never refused before it could be recorded).
  const stable = [];
  for (let i = 0; i < 3; i++) {
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      const inode = hold(handleFd(c));
      c.on('close', () => open.delete(inode));
    });
    srv.listen(0, '127.0.0.1', () => { hold(handleFd(srv)); stable.push(srv.address().port); });
  }

  const later = (ms, fn) => setTimeout(fn, ms);
  const actions = [
    // A listener for a short while; sometimes handed to a child that holds it.
    () => {
      const srv = net.createServer(() => {});
      srv.listen(0, '127.0.0.1', () => {
        stats.listeners++;
        const fd = handleFd(srv);
        const inode = hold(fd);
        if (rand() < 0.6) spawnHolder(fd, inode);
        later(rand() * 300, () => srv.close(() => open.delete(inode)));
      });
    },
    // A client connection to a stable listener (both ends are ours).
    () => {
      if (!stable.length) return;
      const c = net.connect({ host: '127.0.0.1', port: stable[Math.floor(rand() * stable.length)] });
      c.on('error', () => {});
      c.on('connect', () => {
        stats.connections++;
        const inode = hold(handleFd(c));
        c.on('close', () => open.delete(inode));
        later(rand() * 200, () => c.destroy());
      });
    },
    // A UDP socket, bound for a moment.
    () => {
      const u = dgram.createSocket('udp4');
      u.on('error', () => {});
      u.bind(0, '127.0.0.1', () => {
        stats.udp++;
        const inode = hold(udpFd(u));
        later(rand() * 200, () => u.close(() => open.delete(inode)));
      });
    },
  ];

  // A `sleep` child holding the socket at fd 3: killed after a while, or
  // exiting by itself within milliseconds. Between fork and exec a child holds
  // a copy of every socket we hold, so all of those are recorded for it too.
  function spawnHolder(fd, inode) {
    const quick = rand() < 0.5;
    const c = spawn('sleep', [quick ? (rand() * 0.05).toFixed(3) : '30'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
    if (!c.pid) return;
    stats.children++;
    record(c.pid, inode);
    for (const other of open) record(c.pid, other);
    children.add(c);
    c.on('exit', () => children.delete(c));
    c.on('error', () => children.delete(c));
    if (quick) stats.selfExit++;
    else later(rand() * 250, () => { stats.killed++; try { c.kill('SIGKILL'); } catch (e) { /* gone */ } });
  }

  const tick = () => {
    if (stopping) return;
    actions[Math.floor(rand() * actions.length)]();
    later(1000 / rate, tick);
  };
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const c of children) { try { c.kill('SIGKILL'); } catch (e) { /* gone */ } }
    fs.closeSync(log);
    process.stdout.write(JSON.stringify(stats) + '\n', () => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
  later(50, () => { process.stdout.write('ready ' + process.pid + '\n'); tick(); });
}

// ------------------------------------------------------------------ main --
function main() {
  const root = path.resolve(__dirname, '..', '..');
  const bundle = path.join(root, 'build', 'portown.js');
  // The program under test: PORTOWN_NODE (e.g. "qemu-arm-static ... node") as the test helpers use it, else this Node.
  const node = (process.env.PORTOWN_NODE || '').trim() ? process.env.PORTOWN_NODE.trim().split(/\s+/) : [process.execPath];
  const runs = opt('runs', 300);
  const seconds = opt('seconds', 120);
  const seed = opt('seed', Math.floor(Math.random() * 2 ** 31));
  const rate = opt('rate', 200);
  const rand = rng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-churn-'));
  const logFile = path.join(dir, 'holdings');
  const h = spawn(process.execPath, [__filename, '--helper', logFile, String(seed), String(rate)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  h.stdout.on('data', (d) => { out += d; });
  const failures = [];
  const codes = { 0: 0, 1: 0, 2: 0 };
  const seen = []; // [pid, inode, name, run] pairs portown reported for inet sockets
  let helperPid = 0;
  let orphans = 0; // helper sockets portown saw in a table with no owner left (holder gone mid-run)
  const kinds = {};

  const finish = (stats) => {
    const held = new Set(fs.readFileSync(logFile, 'latin1').split('\n').filter(Boolean));
    const ours = new Set();
    const ourPids = new Set([helperPid]);
    for (const l of held) { const [p, i] = l.split(' '); ours.add(i); ourPids.add(+p); }
    let checked = 0;
    for (const [pid, inode, name, run] of seen) {
      // Our inodes, and our pids (but a pid reused by a stranger is not ours: pid_max may be small).
      const mine = ours.has(inode) || (ourPids.has(pid) && (name === 'sleep' || pid === helperPid));
      if (!mine) continue;
      checked++;
      if (!held.has(pid + ' ' + inode)) failures.push('run ' + run + ': pid ' + pid + ' (' + name + ') named as owner of socket inode ' + inode + ', which it never held');
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const total = codes[0] + codes[1] + codes[2];
    console.log('churn: seed ' + seed + ', ' + total + ' runs (' + JSON.stringify(kinds) + '), exit 0 x' + codes[0] + ', 1 x' + codes[1] + ', 2 x' + codes[2] +
      '; helper ' + JSON.stringify(stats) + '; ' + checked + ' owner claims checked against ' + held.size + ' recorded holdings, ' +
      orphans + ' of our sockets seen ownerless (holder gone mid-run); ' + failures.length + ' failures');
    for (const f of failures.slice(0, 20)) console.log('FAIL ' + f);
    process.exit(failures.length || total === 0 ? 1 : 0);
  };

  const waitReady = () => {
    const m = /^ready (\d+)\n/.exec(out);
    if (!m) return setTimeout(waitReady, 20);
    helperPid = +m[1];
    out = '';
    const deadline = Date.now() + seconds * 1000;
    for (let i = 0; i < runs && Date.now() < deadline; i++) {
      const r = rand();
      const args = r < 0.15 ? ['--all', '--json'] : r < 0.35 ? ['--pid', String(helperPid), '--json'] : r < 0.7 ? ['--json'] : r < 0.85 ? ['--tcp', '--json', '--threads'] : ['--all', '--tcp'];
      // The runs cycle through the scans: sync, the owner scan on the thread pool (src/scan/pool.ts), and that scan
      // with the tables read on the pool meanwhile (query.ts, pipelined: the listening views here); a host needs
      // 1000 processes to get the last two without PORTOWN_SCAN.
      const scan = SCANS[i % SCANS.length];
      const kind = scan + ' ' + (args.filter((a) => a !== '--json' && !/^\d+$/.test(a)).join(' ') || 'listening');
      kinds[kind] = (kinds[kind] || 0) + 1;
      const p = spawnSync(node[0], [...node.slice(1), bundle, ...args], { env: { ...process.env, PORTOWN_SCAN: scan }, encoding: 'utf8', timeout: 60000 * (node.length > 1 ? 20 : 1), maxBuffer: 256 << 20 });
      const where = 'run ' + i + ' (' + args.join(' ') + '): ';
      if (p.status === null) { failures.push(where + 'no exit (signal ' + p.signal + ')'); continue; }
      if (!(p.status in codes)) { failures.push(where + 'exit ' + p.status); continue; }
      codes[p.status]++;
      if (p.status === 2) failures.push(where + 'exit 2 on a readable /proc: ' + p.stderr.trim());
      if (/^\s+at /m.test(p.stderr) || /Error\b/.test(p.stderr)) failures.push(where + 'stack trace: ' + p.stderr.slice(0, 500));
      for (const l of p.stderr.split('\n')) if (l && !l.startsWith('portown: ')) failures.push(where + 'stray stderr line ' + JSON.stringify(l));
      if (!args.includes('--json')) continue;
      let data;
      try { data = JSON.parse(p.stdout); } catch (e) { failures.push(where + 'invalid JSON'); continue; }
      for (const s of data) {
        if (s.proto === 'unix') continue;
        for (const o of s.owners) seen.push([o.pid, s.inode, o.name, i]);
        if (s.owners.length === 0) seen.push([0, s.inode, '', i]);
      }
    }
    h.stdout.on('data', () => {});
    h.once('exit', () => {
      const stats = JSON.parse((out.split('\n')[0]) || '{}');
      // Ownerless sightings of our inodes: the holder exited between the table read and the fd scan.
      const held = new Set(fs.readFileSync(logFile, 'latin1').split('\n').filter(Boolean).map((l) => l.split(' ')[1]));
      orphans = seen.filter(([pid, inode]) => pid === 0 && held.has(inode)).length;
      for (let k = seen.length - 1; k >= 0; k--) if (seen[k][0] === 0) seen.splice(k, 1);
      finish(stats);
    });
    h.stdin.end();
    setTimeout(() => { try { h.kill('SIGKILL'); } catch (e) { /* gone */ } }, 10000).unref();
  };
  waitReady();
}

if (process.argv[2] === '--helper') helper(process.argv[3], +process.argv[4], +process.argv[5]);
else main();

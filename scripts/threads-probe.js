#!/usr/bin/env node
// A probe, not part of portown: the port query done with worker_threads, which
// portown's design leaves out (the bundle requires nothing but `fs`, and Node
// 10 has workers only behind --experimental-worker). It measures what that
// choice costs on a busy host: the main thread reads /proc/net/tcp and tcp6
// for the port's inodes, then joins W workers that take processes from a
// shared Atomics counter and readlink every fd synchronously. Prints the pids
// that hold a socket bound to the local port.
//
//   node scripts/loadgen.js --size large &    # then, with its port:
//   node scripts/threads-probe.js PORT [WORKERS]
//
// Large bench host, 2 cores, 2026-11-26: 1 worker (two threads in all)
// 0.86-0.89 s, against 1.46 s for the same code with none, 1.04-1.08 s for
// `portown PORT` and 1.23 s for `fuser -n tcp PORT` (see scripts/floor-threads.c
// for the same in C: 0.49 s).
'use strict';
const fs = require('fs');
const { Worker, isMainThread, workerData, parentPort } = require('worker_threads');

/** Scans processes taken from the shared counter; returns their socket links as parallel arrays. */
function scan(pids, counter) {
  const ino = [];
  const pid = [];
  for (;;) {
    const i = Atomics.add(counter, 0, 1);
    if (i >= pids.length) break;
    const dir = '/proc/' + pids[i] + '/fd/';
    let names;
    try {
      names = fs.readdirSync(dir);
    } catch (e) {
      continue;
    }
    for (let k = 0; k < names.length; k++) {
      let link;
      try {
        link = fs.readlinkSync(dir + names[k]);
      } catch (e) {
        continue;
      }
      if (link.charCodeAt(0) === 115 && link.startsWith('socket:[')) {
        ino.push(+link.slice(8, -1));
        pid.push(pids[i]);
      }
    }
  }
  return { ino, pid };
}

/** The inodes of tcp and tcp6 rows whose local port is `port`. */
function inodesOf(port) {
  const want = new Set();
  for (const t of ['tcp', 'tcp6']) {
    for (const line of fs.readFileSync('/proc/net/' + t, 'latin1').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !f[0].endsWith(':')) continue;
      if (parseInt(f[1].split(':').pop(), 16) === port && f[9] !== '0') want.add(+f[9]);
    }
  }
  return want;
}

if (!isMainThread) {
  parentPort.postMessage(scan(workerData.pids, new Int32Array(workerData.sab)));
} else {
  const port = +process.argv[2];
  const workers = process.argv[3] === undefined ? 1 : +process.argv[3];
  if (!(port >= 1 && port <= 65535) || !(workers >= 0)) {
    console.error('usage: threads-probe.js PORT [WORKERS]');
    process.exit(2);
  }
  const pids = fs.readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map(Number);
  const sab = new SharedArrayBuffer(4);
  const parts = [];
  let left = workers + 1;
  let want = null;
  const finished = (part) => {
    parts.push(part);
    if (--left > 0) return;
    const out = new Set();
    for (const p of parts) for (let i = 0; i < p.ino.length; i++) if (want.has(p.ino[i])) out.add(p.pid[i]);
    const list = [...out].sort((a, b) => a - b);
    if (list.length > 0) fs.writeSync(1, list.join('\n') + '\n');
    process.exitCode = out.size > 0 ? 0 : 1;
  };
  for (let w = 0; w < workers; w++) new Worker(__filename, { workerData: { pids, sab } }).on('message', finished);
  want = inodesOf(port);
  finished(scan(pids, new Int32Array(sab)));
}

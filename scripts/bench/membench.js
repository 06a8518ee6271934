#!/usr/bin/env node
// The memory bench: the bundle on a generated /proc tree whose net/tcp has
// 1,000,000 rows (in a temporary directory, removed at the end).
//
//   node scripts/bench/membench.js [--rows N] [--owned N] [--processes N] [--rounds N]
//   node scripts/bench/membench.js --tree DIR [...]   only build the tree in DIR (kept), for profiling
//
// The tree: net/tcp with N rows as the kernel prints them (150-byte lines),
// the first a LISTEN on 127.0.0.1:8080; empty tcp6/udp/udp6/raw/raw6/unix;
// and `processes` fake processes whose fd/ holds symlinks socket:[INODE] to
// the first `owned` rows' inodes (default 100,000 owned, as on the large
// host; --owned 1000000 makes every row owned). Pid 100 holds the listener.
// It prints the median wall time and peak RSS (GNU time's %M, from wait4) of
// `portown 8080`, `portown --all --json`, `portown netstat -ntpa` (when
// netstat mode is built) and `node -e 0`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(root, 'build', 'portown.js');

function parseArgs(argv) {
  const o = { rows: 1000000, owned: 100000, processes: 1000, rounds: 3, tree: '' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    if (k === 'tree') { o.tree = argv[++i]; continue; }
    if (!(k in o) || !(+argv[i + 1] >= 0)) throw new Error('expected --rows N, --owned N, --processes N or --rounds N, got ' + JSON.stringify(argv[i]));
    o[k] = +argv[++i];
  }
  o.owned = Math.min(o.owned, o.rows);
  return o;
}

const hex = (n, w) => n.toString(16).toUpperCase().padStart(w, '0');

/** One /proc/net/tcp line, padded to 149 characters as tcp4_seq_show does. */
function tcpLine(sl, localPort, remotePort, state, inode) {
  const s = String(sl).padStart(4) + ': 0100007F:' + hex(localPort, 4) + ' 0100007F:' + hex(remotePort, 4) + ' ' + hex(state, 2) +
    ' 00000000:00000000 00:00000000 00000000     0        0 ' + inode + ' 1 0000000000000000 20 4 30 10 -1';
  return s.padEnd(149) + '\n';
}

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(149) + '\n';
const INODE0 = 1000000;

function makeTree(dir, o) {
  fs.mkdirSync(path.join(dir, 'net'));
  const fd = fs.openSync(path.join(dir, 'net', 'tcp'), 'w');
  fs.writeSync(fd, HEADER);
  let chunk = [];
  for (let i = 0; i < o.rows; i++) {
    // Row 0 listens on 8080; the rest are established pairs on other ports.
    chunk.push(i === 0 ? tcpLine(0, 8080, 0, 0x0a, INODE0) : tcpLine(i, 10000 + (i % 50000), 40000 + (i % 20000), 0x01, INODE0 + i));
    if (chunk.length === 20000) { fs.writeSync(fd, chunk.join('')); chunk = []; }
  }
  fs.writeSync(fd, chunk.join(''));
  fs.closeSync(fd);
  for (const t of ['tcp6', 'udp', 'udp6', 'raw', 'raw6']) fs.writeFileSync(path.join(dir, 'net', t), HEADER);
  fs.writeFileSync(path.join(dir, 'net', 'unix'), 'Num       RefCount Protocol Flags    Type St Inode Path\n');
  const per = Math.ceil(o.owned / o.processes);
  let next = 0;
  for (let p = 0; p < o.processes; p++) {
    const pid = 100 + p;
    const pd = path.join(dir, String(pid));
    fs.mkdirSync(path.join(pd, 'fd'), { recursive: true });
    fs.writeFileSync(path.join(pd, 'stat'), pid + ' (worker) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ' + (5000 + p) + ' 0 0\n');
    fs.writeFileSync(path.join(pd, 'comm'), 'worker\n');
    fs.writeFileSync(path.join(pd, 'status'), 'Name:\tworker\nUid:\t0\t0\t0\t0\n');
    fs.writeFileSync(path.join(pd, 'cmdline'), 'worker\0--id\0' + p + '\0');
    for (let k = 0; k < 3; k++) fs.symlinkSync('/dev/null', path.join(pd, 'fd', String(k)));
    for (let k = 0; k < per && next < o.owned; k++, next++) fs.symlinkSync('socket:[' + (INODE0 + next) + ']', path.join(pd, 'fd', String(3 + k)));
  }
}

function measure(argv, env) {
  const t0 = process.hrtime();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { env: Object.assign({}, process.env, env), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'latin1' });
  const dt = process.hrtime(t0);
  const lines = (r.stderr || '').trim().split('\n');
  return { wall: dt[0] * 1000 + dt[1] / 1e6, rss: +lines[lines.length - 1], status: r.status, err: lines.slice(0, -1).join(' ') };
}

const median = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[s.length >> 1]; };

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync('/usr/bin/time')) throw new Error('needs GNU time at /usr/bin/time (Debian package "time") for the peak RSS');
  if (o.tree) {
    fs.mkdirSync(o.tree);
    makeTree(o.tree, o);
    return;
  }
  require('../dev/build.js').buildBundle();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-membench-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  try {
    const t = Date.now();
    makeTree(dir, o);
    console.log('tree: net/tcp ' + o.rows + ' rows (' + (fs.statSync(path.join(dir, 'net', 'tcp')).size / 2 ** 20).toFixed(0) + ' MB), ' +
      o.owned + ' owned by ' + o.processes + ' processes; built in ' + ((Date.now() - t) / 1000).toFixed(1) + ' s');
    const env = { PROC_ROOT: dir };
    const node = process.execPath;
    const cmds = [
      ['portown 8080', [node, BUNDLE, '8080']],
      ['portown --all --json', [node, BUNDLE, '--all', '--json']],
      ['portown netstat -ntpa', [node, BUNDLE, 'netstat', '-ntpa']],
      ['node -e 0', [node, '-e', '0']],
    ];
    const rows = [];
    let base = 0;
    for (const [name, argv] of cmds) {
      const runs = [];
      for (let r = 0; r < o.rounds; r++) runs.push(measure(argv, env));
      if (runs[0].status === 2 && /not built yet/.test(runs[0].err)) { console.log(name + ': skipped (netstat mode is not built on this branch yet)'); continue; }
      const m = { name, wall: median(runs.map((x) => x.wall)), rss: median(runs.map((x) => x.rss)), status: runs[0].status };
      if (name === 'node -e 0') base = m.rss;
      rows.push(m);
    }
    console.log('\n| command | exit | wall ms | peak RSS MB | RSS - node -e 0 |\n|---|---:|---:|---:|---:|');
    for (const m of rows) {
      console.log('| ' + m.name + ' | ' + m.status + ' | ' + m.wall.toFixed(0) + ' | ' + (m.rss / 1024).toFixed(1) + ' | ' +
        (m.name === 'node -e 0' ? '' : '+' + ((m.rss - base) / 1024).toFixed(1) + ' MB') + ' |');
    }
  } finally {
    cleanup();
  }
}

try {
  main();
} catch (e) {
  console.error('membench: ' + (e && e.message ? e.message : e));
  process.exit(2);
}

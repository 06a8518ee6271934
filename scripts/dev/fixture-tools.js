#!/usr/bin/env node
// Fixture tools: write /proc-like trees (real directories, real fd symlinks)
// from a compact description, and encode addresses the way a kernel of either
// byte order prints them. `node scripts/dev/fixture-tools.js` rebuilds the
// committed trees under fixtures/ from scripts/dev/fixtures.spec.js.
'use strict';
const fs = require('fs');
const path = require('path');

/** 'a.b.c.d' -> the %08X a kernel of byte order `order` prints for it. */
function v4hex(addr, order) {
  const b = addr.split('.').map(Number);
  const bytes = order === 'be' ? b : b.slice().reverse();
  return bytes.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** IPv6 text -> 16 bytes. Handles '::' and a trailing dotted quad. */
function v6bytes(addr) {
  let tail = [];
  const dot = addr.lastIndexOf(':');
  if (addr.includes('.')) {
    tail = addr.slice(dot + 1).split('.').map(Number);
    addr = addr.slice(0, dot + 1) + '0:0';
  }
  const [head, rest] = addr.split('::');
  const hs = head ? head.split(':') : [];
  const rs = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest !== undefined ? 8 - hs.length - rs.length : 0;
  const groups = [...hs, ...Array(fill).fill('0'), ...rs].map((g) => parseInt(g, 16));
  const out = [];
  for (const g of groups) out.push(g >> 8, g & 0xff);
  if (tail.length) out.splice(12, 4, ...tail);
  return out;
}

/** IPv6 text -> the four %08X words a kernel of byte order `order` prints. */
function v6hex(addr, order) {
  const b = v6bytes(addr);
  let s = '';
  for (let w = 0; w < 4; w++) {
    const word = b.slice(w * 4, w * 4 + 4);
    const printed = order === 'be' ? word : word.reverse();
    s += printed.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join('');
  }
  return s;
}

function port4(p) {
  return p.toString(16).toUpperCase().padStart(4, '0');
}

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const TCP6_HEADER = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const UDP_HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const UDP6_HEADER = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const UNIX_HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path';

/**
 * One row of tcp/udp/raw (v4 or v6), formatted as the kernel does.
 * r: { local: 'addr', lport, remote, rport, st, uid, inode, tx, rx, tr, when, retr, timeout }
 */
function ipRow(sl, r, v6, order, udp) {
  const enc = v6 ? (a) => v6hex(a, order) : (a) => v4hex(a, order);
  const local = enc(r.local) + ':' + port4(r.lport);
  const remote = enc(r.remote || (v6 ? '::' : '0.0.0.0')) + ':' + port4(r.rport || 0);
  const st = (r.st || (udp ? 7 : 0x0a)).toString(16).toUpperCase().padStart(2, '0');
  const q = (r.tx || 0).toString(16).toUpperCase().padStart(8, '0') + ':' + (r.rx || 0).toString(16).toUpperCase().padStart(8, '0');
  const t = (r.tr || 0).toString(16).toUpperCase().padStart(2, '0') + ':' + (r.when || 0).toString(16).toUpperCase().padStart(8, '0');
  const retr = (r.retr || 0).toString(16).toUpperCase().padStart(8, '0');
  const uid = String(r.uid || 0).padStart(5);
  const timeout = String(r.timeout || 0).padStart(8);
  const tail = udp ? ' 2 0000000000000000 0' : ' 1 0000000000000000 100 0 0 10 0';
  const slw = v6 ? 4 : udp ? 5 : 4;
  return String(sl).padStart(slw) + ': ' + local + ' ' + remote + ' ' + st + ' ' + q + ' ' + t + ' ' + retr + ' ' + uid + ' ' + timeout + ' ' + (r.inode === undefined ? 0 : r.inode) + tail;
}

function table(rows, v6, order, udp) {
  const header = udp ? (v6 ? UDP6_HEADER : UDP_HEADER) : v6 ? TCP6_HEADER : TCP_HEADER;
  return [header, ...rows.map((r, i) => ipRow(i, r, v6, order, udp))].join('\n') + '\n';
}

/** One /proc/net/unix row. u: { refs, flags, type, st, inode, path } */
function unixRow(u) {
  const h = (n, w) => n.toString(16).toUpperCase().padStart(w, '0');
  return '0000000000000000: ' + h(u.refs || 2, 8) + ' 00000000 ' + h(u.flags || 0, 8) + ' ' + h(u.type || 1, 4) + ' ' + h(u.st || 1, 2) + ' ' + u.inode + (u.path !== undefined ? ' ' + u.path : '');
}

function unixTable(rows) {
  return [UNIX_HEADER, ...rows.map(unixRow)].join('\n') + '\n';
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Writes a tree. spec: { net: { tcp: text|Buffer, ... }, procs: [ { pid, comm, name, cmdline, uid,
 *   starttime, fds: { fd: target }, tasks: { tid: { comm, fds } } } ], files: { relpath: text },
 *   links: { relpath: symlink target } }
 * comm/cmdline may be strings or Buffers; cmdline strings use '\0' between arguments.
 * A proc without `comm` gets no comm file (kernels before 2.6.33); without `starttime`, no stat.
 */
function writeTree(dir, spec) {
  rmrf(dir);
  fs.mkdirSync(path.join(dir, 'net'), { recursive: true });
  for (const [name, text] of Object.entries(spec.net || {})) fs.writeFileSync(path.join(dir, 'net', name), text);
  for (const p of spec.procs || []) {
    const pd = path.join(dir, String(p.pid));
    fs.mkdirSync(path.join(pd, 'fd'), { recursive: true });
    const name = p.name !== undefined ? p.name : p.comm;
    if (p.comm !== undefined) fs.writeFileSync(path.join(pd, 'comm'), Buffer.concat([Buffer.from(p.comm), Buffer.from('\n')]));
    fs.writeFileSync(path.join(pd, 'cmdline'), p.cmdline !== undefined ? p.cmdline : '');
    fs.writeFileSync(path.join(pd, 'status'), Buffer.concat([
      Buffer.from('Name:\t'), Buffer.from(name || ''), Buffer.from('\nState:\tS (sleeping)\nTgid:\t' + p.pid + '\nPid:\t' + p.pid +
        '\nUid:\t' + (p.uid || 0) + '\t' + (p.uid || 0) + '\t' + (p.uid || 0) + '\t' + (p.uid || 0) + '\n'),
    ]));
    if (p.starttime !== undefined) {
      fs.writeFileSync(path.join(pd, 'stat'), p.pid + ' (' + (name || '').toString() + ') S 1 ' + p.pid + ' ' + p.pid + ' 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 ' + p.starttime + ' 1000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n');
    }
    for (const [fd, target] of Object.entries(p.fds || {})) fs.symlinkSync(target, path.join(pd, 'fd', fd));
    const tasks = p.tasks || { [p.pid]: { comm: p.comm, fds: p.fds } };
    for (const [tid, t] of Object.entries(tasks)) {
      const td = path.join(pd, 'task', tid);
      fs.mkdirSync(path.join(td, 'fd'), { recursive: true });
      if (t.comm !== undefined) fs.writeFileSync(path.join(td, 'comm'), Buffer.concat([Buffer.from(t.comm), Buffer.from('\n')]));
      for (const [fd, target] of Object.entries(t.fds || {})) fs.symlinkSync(target, path.join(td, 'fd', fd));
    }
  }
  for (const [rel, text] of Object.entries(spec.files || {})) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  // Symlinks as /proc has them: ns/net -> net:[N].
  for (const [rel, target] of Object.entries(spec.links || {})) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.symlinkSync(target, path.join(dir, rel));
  }
}

module.exports = { v4hex, v6hex, v6bytes, port4, ipRow, table, unixRow, unixTable, writeTree, TCP_HEADER, TCP6_HEADER, UDP_HEADER, UDP6_HEADER, UNIX_HEADER };

if (require.main === module) {
  const specs = require('./fixtures.spec.js');
  const root = path.resolve(__dirname, '..', '..', 'fixtures');
  const only = process.argv[2];
  for (const [name, spec] of Object.entries(specs)) {
    if (only && name !== only) continue;
    writeTree(path.join(root, name), spec);
    console.log('wrote fixtures/' + name);
  }
}

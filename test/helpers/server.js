#!/usr/bin/env node
// A real process that opens sockets on loopback for the live tests, then waits.
// Usage: node server.js '<json array of steps>'
// Steps:
//   {"tcp":"127.0.0.1"}               listen on TCP (port 0, or "port": N); "ipv6Only": false for dual stack on "::"
//   {"udp":"127.0.0.1"}               bind UDP (udp4 or udp6 by the address), optional "port"
//   {"udpConnect":"127.0.0.1","port":N}  a UDP socket connected to N
//   {"connect":"127.0.0.1","port":N}  a TCP client connection (waits until connected)
//   {"share":K,"children":C}          C `sleep` children inherit the K-th socket opened so far at fd 3;
//                                     "unshare":true starts each in a network namespace of its own
//                                     (unshare --net), so a holder lives outside the socket's namespace
//   {"unix":"/path"}                  a unix stream listener
//   {"comm":"bytes in hex"}           write this process's comm (/proc/self/comm)
//   {"execShare":K,"argv0":"hex"}     a `sleep` child holding the K-th socket at fd 3, started
//                                     by bash `exec -a` with argv[0] = these bytes (any but NUL);
//                                     "close":true then closes this process's own copy
// Prints one JSON line: {"pid":..,"sockets":[{"kind","address","port"}],"children":[..]}
// and stays until stdin closes or it gets SIGTERM; children are killed with it.
'use strict';
const net = require('net');
const dgram = require('dgram');
const fs = require('fs');
const { spawn } = require('child_process');

const steps = JSON.parse(process.argv[2] || '[]');
const sockets = []; // { handle, info }
const children = [];

function done() {
  process.stdout.write(JSON.stringify({ pid: process.pid, sockets: sockets.map((s) => s.info), children: children.map((c) => c.pid) }) + '\n');
}

function cleanup() {
  for (const c of children) { try { c.kill('SIGKILL'); } catch (e) { /* gone */ } }
  process.exit(0);
}
process.on('SIGTERM', cleanup);
process.on('SIGINT', cleanup);
process.stdin.on('end', cleanup);
process.stdin.on('error', cleanup);
process.stdin.resume();

function fdOf(handle) {
  const h = handle._handle;
  return h && typeof h.fd === 'number' ? h.fd : -1;
}

// dgram hides its handle behind a deprecated getter; read it without the warning.
function udpFd(sock) {
  const sym = Object.getOwnPropertySymbols(sock).find((k) => String(k) === 'Symbol(state symbol)');
  const h = sym ? sock[sym].handle : null;
  return h && typeof h.fd === 'number' ? h.fd : -1;
}

function next(i) {
  if (i === steps.length) return done();
  const s = steps[i];
  const go = () => next(i + 1);
  if (s.tcp !== undefined) {
    const srv = net.createServer((c) => { c.on('error', () => {}); sockets.push({ handle: c, info: { kind: 'accepted' } }); });
    const opts = { host: s.tcp, port: s.port || 0 };
    if (s.ipv6Only !== undefined) opts.ipv6Only = s.ipv6Only;
    srv.listen(opts, () => {
      const a = srv.address();
      sockets.push({ handle: srv, info: { kind: 'tcp', address: a.address, port: a.port, fd: fdOf(srv) } });
      go();
    });
  } else if (s.udp !== undefined) {
    const sock = dgram.createSocket(s.udp.includes(':') ? 'udp6' : 'udp4');
    // A port in use (asked for by number) would otherwise leave this process waiting for ever.
    sock.on('error', (e) => { process.stderr.write('udp bind failed: ' + e.message + '\n'); process.exit(4); });
    sock.bind(s.port || 0, s.udp, () => {
      const a = sock.address();
      sockets.push({ handle: sock, info: { kind: 'udp', address: a.address, port: a.port, fd: udpFd(sock) } });
      go();
    });
  } else if (s.udpConnect !== undefined) {
    const sock = dgram.createSocket(s.udpConnect.includes(':') ? 'udp6' : 'udp4');
    sock.bind(0, s.udpConnect, () => {
      const a = sock.address();
      if (typeof sock.connect === 'function') {
        sock.connect(s.port, s.udpConnect, () => {
          sockets.push({ handle: sock, info: { kind: 'udpConnected', address: a.address, port: a.port, fd: udpFd(sock) } });
          go();
        });
      } else {
        sockets.push({ handle: sock, info: { kind: 'udp', address: a.address, port: a.port, fd: udpFd(sock) } });
        go();
      }
    });
  } else if (s.connect !== undefined) {
    const c = net.connect({ host: s.connect, port: s.port }, () => {
      sockets.push({ handle: c, info: { kind: 'client', address: c.localAddress, port: c.localPort, fd: fdOf(c) } });
      go();
    });
    c.on('error', (e) => { process.stderr.write('connect failed: ' + e.message + '\n'); process.exit(3); });
  } else if (s.unix !== undefined) {
    try { fs.unlinkSync(s.unix); } catch (e) { /* none */ }
    const srv = net.createServer(() => {});
    srv.listen(s.unix, () => {
      sockets.push({ handle: srv, info: { kind: 'unix', path: s.unix, fd: fdOf(srv) } });
      go();
    });
  } else if (s.share !== undefined) {
    const target = sockets[s.share].handle;
    for (let k = 0; k < (s.children || 1); k++) {
      const argv = s.unshare ? ['unshare', '--net', '--', 'sleep', '100000'] : ['sleep', '100000'];
      const c = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'ignore', fdOf(target)] });
      children.push(c);
    }
    if (!s.unshare) return go();
    // Go on once each child is sleep in its own namespace (unshare execs it), within 5 s.
    const t0 = Date.now();
    const wait = () => {
      const ready = children.every((c) => {
        try { return fs.readFileSync('/proc/' + c.pid + '/comm', 'latin1') === 'sleep\n'; } catch (e) { return false; }
      });
      if (ready || Date.now() - t0 > 5000) go();
      else setTimeout(wait, 10);
    };
    wait();
  } else if (s.execShare !== undefined) {
    const target = sockets[s.execShare].handle;
    const esc = Buffer.from(s.argv0, 'hex').toString('latin1').replace(/[^]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
    // printf %b decodes the \xHH escapes into raw bytes inside bash, so no byte passes through a JS string.
    const c = spawn('bash', ['-c', 'exec -a "$(printf %b "$1")" sleep 100000', 'bash', esc], { stdio: ['ignore', 'ignore', 'ignore', fdOf(target)] });
    children.push(c);
    // Go on once bash has exec'd sleep (its comm says so), within 5 s.
    const t0 = Date.now();
    const wait = () => {
      let comm = '';
      try { comm = fs.readFileSync('/proc/' + c.pid + '/comm', 'latin1'); } catch (e) { /* not yet */ }
      if (comm === 'sleep\n' || Date.now() - t0 > 5000) {
        if (s.close) target.close();
        go();
      }
      else setTimeout(wait, 10);
    };
    wait();
  } else if (s.comm !== undefined) {
    fs.writeFileSync('/proc/self/comm', Buffer.from(s.comm, 'hex'));
    go();
  } else {
    process.stderr.write('unknown step ' + JSON.stringify(s) + '\n');
    process.exit(2);
  }
}
next(0);

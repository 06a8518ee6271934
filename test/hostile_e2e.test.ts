// Hostile strings, live: a process whose comm, a child whose argv[0], and a
// unix socket whose path carry ESC, BEL, CR, LF, DEL, C1 and invalid UTF-8.
// Every output must hold no raw control byte (checked on the bytes), and
// JSON must parse back to exactly the escaped text the table shows.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { escapeBytes } from '../src/text/escape';
import { portown } from './helpers/cli';
import { Listener, startServer, stopAll } from './helpers/listeners';

const s = suite('hostile strings e2e');

// ESC [2J (clear screen), BEL, CR, LF, DEL, C1 CSI as UTF-8 (C2 9B), a raw 0x9B, invalid 0xFF, 'A': 13 bytes (comm keeps 15).
const HOSTILE = Buffer.from('1b5b324a070d0a7fc29b9bff41', 'hex');
const PATH_TEXT = '\n\x1b[31m\u009b\x07\x7f.sock';
let dir = '';
let unixPath = '';
let srv: Listener;

s.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-hostile-'));
  unixPath = path.join(dir, 'a' + PATH_TEXT);
  // Socket 2 ends up held by the exec child alone, so netstat (first holder only) names it.
  srv = await startServer([{ tcp: '127.0.0.1' }, { unix: unixPath }, { comm: HOSTILE.toString('hex') }, { execShare: 0, argv0: HOSTILE.toString('hex') },
    { tcp: '127.0.0.1' }, { execShare: 2, argv0: HOSTILE.toString('hex'), close: true }]);
});
s.after(() => {
  stopAll();
  try { fs.unlinkSync(unixPath); } catch (e) { /* gone */ }
  fs.rmdirSync(dir);
});

/** The first raw control byte (C0 but LF, DEL, C1 as UTF-8 or raw) or invalid UTF-8 in b, or ''. */
function firstRawControl(b: Buffer): string {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return 'byte 0x' + c.toString(16) + ' at ' + i;
    if (c === 0xc2 && b[i + 1] >= 0x80 && b[i + 1] <= 0x9f) return 'C1 U+00' + b[i + 1].toString(16) + ' at ' + i;
  }
  if (!Buffer.from(b.toString('utf8'), 'utf8').equals(b)) return 'invalid UTF-8';
  return '';
}

const ESCAPED = escapeBytes(HOSTILE);

s('the escaped name has no control character left in it (the test compares against it)', () => {
  assert.is(ESCAPED, '\\x1b[2J\\x07\\x0d\\x0a\\x7f\\u009b\\x9b\\xffA');
});

const VARIANTS: [string, () => string[]][] = [
  ['PORT', () => [String(srv.sockets[0].port)]],
  ['--pid', () => ['--pid', String(srv.pid)]],
  ['--all', () => ['--all']],
  ['--pid --threads', () => ['--pid', String(srv.pid), '--threads']],
];

for (const [name, args] of VARIANTS) {
  s('table output of ' + name + ' holds no raw control byte and shows the escaped name', () => {
    const r = portown(args());
    assert.ok(r.code === 0, r.stderr);
    assert.is(firstRawControl(r.raw), '');
    assert.is(firstRawControl(Buffer.from(r.stderr, 'utf8')), '');
    if (name !== '--pid --threads') assert.ok(r.stdout.includes(ESCAPED), r.stdout.slice(0, 2000));
  });
  s('JSON output of ' + name + ' holds no raw control byte and round-trips to the escaped text', () => {
    const r = portown([...args(), '--json']);
    assert.is(r.code, 0);
    assert.is(firstRawControl(r.raw), '');
    const data = JSON.parse(r.stdout);
    const tcp = data.find((x: any) => x.proto === 'tcp' && x.local.port === srv.sockets[0].port);
    const byPid = new Map(tcp.owners.map((o: any) => [o.pid, o]));
    const server: any = byPid.get(srv.pid);
    const child: any = byPid.get(srv.children[0]);
    if (name !== '--pid --threads') assert.is(server.name, ESCAPED);
    if (child) assert.is(child.cmdline, escapeBytes(Buffer.concat([HOSTILE, Buffer.from(' 100000')])));
    else assert.is(name.startsWith('--pid'), true, 'the exec child holds the socket too');
  });
}

s('the unix path with a newline stays on one line, escaped, in table and JSON', () => {
  const want = escapeBytes(Buffer.from(unixPath, 'utf8'));
  assert.not.match(want, /[\x00-\x1f\x7f\u0080-\u009f]/);
  const t = portown(['--pid', String(srv.pid), '--unix']);
  const lines = t.stdout.split('\n').filter((l) => l.includes(want));
  assert.is(lines.length, 1, t.stdout);
  assert.match(lines[0], /^u_str /);
  const j = portown(['--pid', String(srv.pid), '--unix', '--json']);
  const paths = JSON.parse(j.stdout).map((x: any) => x.path);
  assert.ok(paths.includes(want), JSON.stringify(paths));
});

for (const args of [['-anp'], ['-anpx'], ['-anpeW'], ['--busybox', '-anp'], ['-lnp']]) {
  s('netstat ' + args.join(' ') + ' holds no raw control byte', () => {
    const r = portown(['netstat', ...args]);
    assert.is(r.code, 0, r.stderr);
    assert.is(firstRawControl(r.raw), '');
    assert.is(firstRawControl(Buffer.from(r.stderr, 'utf8')), '');
    if (args[0] === '-anpx') return;
    const port = ':' + srv.sockets[2].port + ' ';
    const line = r.stdout.split('\n').find((l) => l.includes(port));
    if (line) assert.match(line, srv.children[1] + '/', 'the exec child is the only holder of socket 2');
    else assert.unreachable('no line for ' + port);
  });
}

s('netstat -anpx keeps the unix path with a newline on one line (net-tools: its first word; BusyBox: ^J)', () => {
  const base = path.basename(dir);
  const r = portown(['netstat', '-anpx']);
  const lines = r.stdout.split('\n').filter((l) => l.includes(base));
  assert.equal(lines.map((l) => l.slice(l.indexOf('/tmp/'))), [unixPath.slice(0, unixPath.indexOf('\n'))]);
  assert.not.ok(r.stdout.split('\n').some((l) => /^(\\x1b|\x1b|\[31m)/.test(l)), 'the rest of the path became a line');
  const bb = portown(['netstat', '--busybox', '-anpx']);
  const bbLines = bb.stdout.split('\n').filter((l) => l.includes(base));
  assert.is(bbLines.length, 1, bb.stdout.slice(0, 3000));
  assert.ok(bbLines[0].endsWith(base + '/a^J^[[31m\\u009b^G^?.sock'), bbLines[0]);
  assert.is(firstRawControl(bb.raw), '');
});

s.run();

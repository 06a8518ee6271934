// Memory: the bundle answers on a generated /proc whose net/tcp has 200,000 rows
// with a 16 MB heap, because tables are streamed, matching rows are kept as
// bytes until their holders are known, objects are built one row at a time,
// and the full listing streams rows out as it reads them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { portown } from './helpers/cli';

const ROWS = 200000;
const M = suite('e2e memory');
let dir = '';

function hex8(n: number) {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

M.before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-mem-'));
  fs.mkdirSync(path.join(dir, 'net'));
  const fd = fs.openSync(path.join(dir, 'net', 'tcp'), 'w');
  fs.writeSync(fd, '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    // Established pairs on 10.x.y.z:40000+ -> 127.0.0.1:8080; one LISTEN on :22 in the middle.
    const mid = i === ROWS / 2;
    const local = mid ? '00000000:0016' : hex8((10 << 24 | i) >>> 0) + ':' + (40000 + (i % 20000)).toString(16).toUpperCase();
    const remote = mid ? '00000000:0000' : '0100007F:1F90';
    const st = mid ? '0A' : '01';
    const inode = mid ? 424242 : 1000000 + i;
    chunk += String(i).padStart(6) + ': ' + local + ' ' + remote + ' ' + st + ' 00000000:00000000 00:00000000 00000000     0        0 ' + inode + ' 1 0000000000000000 20 4 30 10 -1\n';
    if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  const pd = path.join(dir, '4242');
  fs.mkdirSync(path.join(pd, 'fd'), { recursive: true });
  fs.writeFileSync(path.join(pd, 'comm'), 'dropbear\n');
  fs.writeFileSync(path.join(pd, 'cmdline'), 'dropbear\0-F\0');
  fs.writeFileSync(path.join(pd, 'status'), 'Name:\tdropbear\nUid:\t0\t0\t0\t0\n');
  fs.symlinkSync('socket:[424242]', path.join(pd, 'fd', '3'));
  fs.symlinkSync('socket:[1000007]', path.join(pd, 'fd', '4'));
});
M.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const small = { nodeArgs: ['--max-old-space-size=16'], timeoutMs: 60000 };

M('portown 22 finds the one listener among 200,000 rows with a 16 MB heap', () => {
  const r = portown(['22', '--json', '--proc', dir], small);
  assert.is(r.code, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.equal(data.map((s: any) => [s.local.port, s.state, s.inode, s.owners.map((o: any) => o.pid + '/' + o.name)]), [[22, 'LISTEN', '424242', ['4242/dropbear']]]);
});

M('portown 8080 --remote keeps all 200,000 matching rows and their holders with a 16 MB heap', () => {
  // Every row's remote port is 8080 but one: a selective query that matches nearly all of them.
  const r = portown(['8080', '--remote', '--proc', dir], small);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.is(lines.length, ROWS + 1, 'a header, a line per row, and the last newline');
  assert.match(lines[0], /^Proto +Local Address +Remote Address +State +PID +User +Command$/);
  // (The local addresses come out reversed on a little-endian host, 7.0.0.10 for 10.0.0.7; the remote one on a big-endian host, 1.0.0.127.)
  assert.match(lines[1], /^tcp +(0\.0\.0\.10|10\.0\.0\.0):40000 +(127\.0\.0\.1|1\.0\.0\.127):8080 +ESTABLISHED +- +root +-$/);
  assert.match(lines[8], /^tcp +(7\.0\.0\.10|10\.0\.0\.7):40007 +(127\.0\.0\.1|1\.0\.0\.127):8080 +ESTABLISHED +4242 +root +dropbear$/);
  assert.match(lines[ROWS - 1], /^tcp +(63\.13\.3\.10|10\.3\.13\.63):59999 +(127\.0\.0\.1|1\.0\.0\.127):8080 +ESTABLISHED +- +root +-$/);
  assert.not.ok(r.stdout.includes(':22 '), 'the listener on 22 has no remote port 8080');
});

M('--all --json streams all 200,000 rows with a 16 MB heap', () => {
  const r = portown(['--all', '--json', '--proc', dir], small);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.is(lines.length, ROWS + 3, 'one row a line between [ and ]');
  assert.ok(lines[ROWS / 2 + 1].includes('"inode":"424242","netns":null,"owners":[{"pid":4242'));
  assert.ok(lines[8].includes('"inode":"1000007","netns":null,"owners":[{"pid":4242,"name":"dropbear","cmdline":"dropbear -F","fd":4'));
});

M.run();

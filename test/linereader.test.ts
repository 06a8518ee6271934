import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { LineSplitter, LineStats, readLines, readLinesAsync, readLinesFd } from '../src/text/linereader';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-lr-'));
function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}
function collect(p: string, size?: number) {
  const lines: string[] = [];
  const nos: number[] = [];
  const stats = readLines(p, (buf, s, e, n) => { lines.push(buf.toString('latin1', s, e)); nos.push(n); }, size);
  return { lines, nos, stats };
}
function collectAsync(p: string, size?: number): Promise<{ lines: string[]; nos: number[]; stats: LineStats | null; err: NodeJS.ErrnoException | null; calls: number }> {
  const lines: string[] = [];
  const nos: number[] = [];
  return new Promise((resolve) => {
    let calls = 0;
    readLinesAsync(p, (buf, s, e, n) => { lines.push(buf.toString('latin1', s, e)); nos.push(n); }, (err, stats) => {
      calls++;
      // A second call would come after this one: wait a little to see it.
      setTimeout(() => resolve({ lines, nos, stats, err, calls }), 10);
    }, size);
  });
}

const LR = suite('linereader');

LR('hands over each line without its newline, numbered from 1', () => {
  const r = collect(file('a', 'one\ntwo\n\nfour\n'));
  assert.equal(r.lines, ['one', 'two', '', 'four']);
  assert.equal(r.nos, [1, 2, 3, 4]);
  assert.is(r.stats.longLines, 0);
});

LR('a last line without a final newline is still handed over', () => {
  assert.equal(collect(file('b', 'one\ntwo')).lines, ['one', 'two']);
});

LR('an empty file gives no lines', () => {
  assert.equal(collect(file('c', '')).lines, []);
});

LR('lines that straddle buffer refills come out whole', () => {
  const text = Array.from({ length: 200 }, (_, i) => 'line-' + i + '-' + 'x'.repeat(i % 37)).join('\n') + '\n';
  const r = collect(file('d', text), 64);
  assert.equal(r.lines, text.split('\n').slice(0, -1));
});

LR('a line longer than the buffer is skipped and counted, the rest survive, and numbering goes on', () => {
  const r = collect(file('e', 'short\n' + 'y'.repeat(1000) + '\nafter\n' + 'z'.repeat(300) + '\nlast'), 128);
  assert.equal(r.lines, ['short', 'after', 'last']);
  assert.equal(r.nos, [1, 3, 5]);
  assert.is(r.stats.longLines, 2);
  assert.is(r.stats.firstLongLine, 2);
});

LR('a file of megabytes without a newline is skipped whole with a fixed buffer', () => {
  const big = Buffer.alloc(3 << 20, 0x41);
  const r = collect(file('f', big), 4096);
  assert.equal(r.lines, []);
  assert.is(r.stats.longLines, 1);
  assert.is(r.stats.bytes, big.length);
});

LR('short reads from a pipe are joined into whole lines', async () => {
  // A writer that dribbles a few bytes at a time: every read() returns short.
  const fifo = path.join(tmp, 'fifo');
  require('child_process').execFileSync('mkfifo', [fifo]);
  const text = 'alpha beta\ngamma delta\nepsilon\n';
  const writer = spawn(process.execPath, ['-e', `
    const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(fifo)}, 'w');
    const t = ${JSON.stringify(text)}; let i = 0;
    (function step() { if (i >= t.length) return fs.closeSync(fd); fs.writeSync(fd, t.slice(i, i + 3)); i += 3; setTimeout(step, 2); })();
  `]);
  const fd = fs.openSync(fifo, 'r');
  const lines: string[] = [];
  readLinesFd(fd, (buf, s, e) => { lines.push(buf.toString('latin1', s, e)); }, 16);
  fs.closeSync(fd);
  await new Promise((r) => writer.on('exit', r));
  assert.equal(lines, ['alpha beta', 'gamma delta', 'epsilon']);
});

LR('a missing file throws ENOENT for the caller to judge', () => {
  try {
    collect(path.join(tmp, 'nope'));
    assert.unreachable();
  } catch (e) {
    assert.is((e as NodeJS.ErrnoException).code, 'ENOENT');
  }
});

LR('reads the live /proc/net/tcp, which reports size 0 and returns short reads', () => {
  const r = collect('/proc/net/tcp', 256);
  assert.ok(r.lines.length >= 1);
  assert.match(r.lines[0], /local_address/);
});

LR('the thread-pool reader hands over exactly what the sync reader does, for tiny and large buffers', async () => {
  const texts: { [name: string]: string } = {
    mixed: 'short\n' + 'y'.repeat(100) + '\n\nafter\r\n' + 'z'.repeat(30) + '\n' + Array.from({ length: 40 }, (_, i) => 'row ' + i + ' ' + 'x'.repeat(i % 13)).join('\n') + '\nlast',
    endsLong: 'a\nbb\n' + 'w'.repeat(70),
    endsNewline: 'one\n\ntwo\n',
    empty: '',
  };
  for (const name of Object.keys(texts)) {
    const p = file('async-' + name, texts[name]);
    for (const size of [1, 2, 3, 7, 16, 64, undefined]) {
      const want = collect(p, size);
      const got = await collectAsync(p, size);
      const what = name + ' with buffer ' + size;
      assert.is(got.err, null, what);
      assert.is(got.calls, 1, what);
      assert.equal(got.lines, want.lines, what);
      assert.equal(got.nos, want.nos, what);
      assert.equal(got.stats, want.stats, what);
    }
  }
  // The cases above do reach the long-line and last-line paths.
  const mixed = collect(path.join(tmp, 'async-mixed'), 64);
  assert.equal([mixed.stats.longLines, mixed.stats.firstLongLine, mixed.lines[mixed.lines.length - 1]], [1, 2, 'last']);
  assert.is(collect(path.join(tmp, 'async-endsLong'), 64).stats.longLines, 1);
});

LR('the thread-pool reader hands an open or read error to done, once, instead of throwing', async () => {
  const missing = await collectAsync(path.join(tmp, 'nope'));
  assert.equal([missing.err && missing.err.code, missing.stats, missing.calls, missing.lines], ['ENOENT', null, 1, []]);
  const dir = path.join(tmp, 'a-dir');
  fs.mkdirSync(dir);
  const isDir = await collectAsync(dir);
  assert.equal([isDir.err && isDir.err.code, isDir.stats, isDir.calls, isDir.lines], ['EISDIR', null, 1, []]);
});

LR('the thread-pool reader closes its file after the last line and after a read error', async () => {
  const open = () => fs.readdirSync('/proc/self/fd').length;
  const p = file('async-close', 'a\nb\n');
  const dir = path.join(tmp, 'close-dir');
  fs.mkdirSync(dir);
  const before = open();
  for (let i = 0; i < 5; i++) {
    assert.equal((await collectAsync(p)).lines, ['a', 'b']);
    assert.is((await collectAsync(dir)).err!.code, 'EISDIR');
  }
  assert.is(open(), before);
});

LR('the thread-pool reader lets a throwing handler\'s error go up, and still closes its file', async () => {
  const open = () => fs.readdirSync('/proc/self/fd').length;
  // Several reads: the handler throws in the middle of the file.
  const p = file('async-throw', Array.from({ length: 400 }, (_, i) => 'row ' + i).join('\n') + '\n');
  const before = open();
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  try {
    const caught = await new Promise<unknown>((resolve) => {
      process.once('uncaughtException', resolve);
      let n = 0;
      readLinesAsync(p, () => { if (++n === 100) throw new Error('stop at 100'); }, () => resolve('done was called'), 64);
    });
    assert.is((caught as Error).message, 'stop at 100');
    assert.is(open(), before);
  } finally {
    for (const l of listeners) process.on('uncaughtException', l);
  }
});

LR('the thread-pool reader reads the live /proc/net/tcp like the sync one', async () => {
  const r = await collectAsync('/proc/net/tcp', 256);
  assert.is(r.err, null);
  assert.match(r.lines[0], /local_address/);
  assert.is(r.stats!.lines, r.lines.length);
});

LR.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
LR('readers one after another share one buffer; readers at once each have their own', async () => {
  const a = new LineSplitter(() => {});
  const b = new LineSplitter(() => {});
  assert.ok(a.buf !== b.buf, 'both in use');
  a.release();
  const c = new LineSplitter(() => {});
  assert.ok(c.buf === a.buf, 'the released buffer is taken again');
  a.release(); // a second release, with c reading into it: must not hand it out again
  const d = new LineSplitter(() => {});
  assert.ok(d.buf !== c.buf, 'and only by one reader');
  b.release();
  c.release();
  d.release();
  // Two pool readers at once, and sync reads between: each gets its own lines.
  const p1 = file('share-1', Array.from({ length: 3000 }, (_, i) => 'one ' + i).join('\n') + '\n');
  const p2 = file('share-2', Array.from({ length: 3000 }, (_, i) => 'two ' + i).join('\n') + '\n');
  const [r1, r2] = await Promise.all([collectAsync(p1, 4096), collectAsync(p2, 4096), Promise.resolve(collect(p2, 4096))]);
  assert.is(r1.lines.length, 3000);
  assert.ok(r1.lines.every((l, i) => l === 'one ' + i));
  assert.ok(r2.lines.every((l, i) => l === 'two ' + i));
  assert.equal(collect(p1).lines, r1.lines);
});

LR.run();

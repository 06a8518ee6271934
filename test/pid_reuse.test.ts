// The pid-reuse check of the owner scan (src/owners.ts): starttime is read
// before a process's fds and again after its name. A real reuse cannot be
// timed by a test, so the reader is swapped (reuseCheck.startTime) to answer
// differently on the second read, as a reused pid would.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { reuseCheck, scanOwnersSync } from '../src/owners';
import { readStartTime } from '../src/proc_pid';
import { FIXTURES } from './helpers/cli';

const ROOT = path.join(FIXTURES, 'pid-reuse');
const s = suite('pid reuse');

function scan() {
  return scanOwnersSync({ root: ROOT, wanted: new Set(['5555']), threads: false });
}

/** A reader whose answers for pid 4242's dir follow `answers`, one per call. */
function scripted(answers: number[]) {
  let calls = 0;
  return (dir: string) => (dir.endsWith('/4242') ? answers[Math.min(calls++, answers.length - 1)] : readStartTime(dir));
}

s.after.each(() => { reuseCheck.startTime = readStartTime; });

s('a stable starttime keeps the owner (the fixture reads 12345 twice)', () => {
  const r = scan();
  assert.equal(r.byInode.get('5555')!.map((o) => [o.proc.pid, o.proc.name.toString(), o.fd]), [[4242, 'victim', 3]]);
  assert.is(r.stats.reused, 0);
});

s('a starttime that changes between the fd scan and the name read drops the process as reused', () => {
  reuseCheck.startTime = scripted([12345, 99999]);
  const r = scan();
  assert.is(r.byInode.get('5555'), undefined);
  assert.is(r.stats.reused, 1);
  assert.is(r.stats.vanished, 0);
});

s('a stat that disappears after the fd scan drops the process as vanished', () => {
  reuseCheck.startTime = scripted([12345, -1]);
  const r = scan();
  assert.is(r.byInode.get('5555'), undefined);
  assert.is(r.stats.vanished, 1);
});

s('the reader is called before the fd scan and after the name, exactly twice per matching process', () => {
  const calls: string[] = [];
  reuseCheck.startTime = (dir) => { calls.push(dir); return readStartTime(dir); };
  scan();
  assert.equal(calls, [ROOT + '/4242', ROOT + '/4242']);
});

s.run();

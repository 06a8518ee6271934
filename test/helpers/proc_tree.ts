// Temporary /proc-like trees for the owner scan tests: real directories with
// real symlinks (fd/3 -> socket:[N]), as in fixtures/, made per test.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface FakeProc {
  pid: number;
  start: number;
  comm: string;
  /** fd number -> link target */
  fds: { [fd: number]: string };
  /** tid -> fds of that thread's table (threads mode) */
  tasks?: { [tid: number]: { [fd: number]: string } };
}

export function statLine(pid: number, comm: string, start: number): string {
  // Fields 3..21 then starttime (22) and two more.
  return pid + ' (' + comm + ') S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ' + start + ' 0 0\n';
}

export function writeProc(root: string, p: FakeProc) {
  const dir = path.join(root, String(p.pid));
  fs.mkdirSync(path.join(dir, 'fd'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'stat'), statLine(p.pid, p.comm, p.start));
  fs.writeFileSync(path.join(dir, 'comm'), p.comm + '\n');
  fs.writeFileSync(path.join(dir, 'status'), 'Name:\t' + p.comm + '\nUid:\t1000\t1000\t1000\t1000\n');
  fs.writeFileSync(path.join(dir, 'cmdline'), p.comm + '\0--serve\0');
  for (const fd of Object.keys(p.fds)) fs.symlinkSync(p.fds[+fd], path.join(dir, 'fd', fd));
  for (const tid of Object.keys(p.tasks || {})) {
    const t = path.join(dir, 'task', tid);
    fs.mkdirSync(path.join(t, 'fd'), { recursive: true });
    fs.writeFileSync(path.join(t, 'comm'), p.comm + '-' + tid + '\n');
    const fds = (p.tasks as { [tid: number]: { [fd: number]: string } })[+tid];
    for (const fd of Object.keys(fds)) fs.symlinkSync(fds[+fd], path.join(t, 'fd', fd));
  }
}

/** A new temporary tree holding procs; the caller removes it (see trees()). */
export function makeTree(procs: FakeProc[], prefix = 'portown-tree-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const p of procs) writeProc(root, p);
  return root;
}

/** A tree maker that remembers its trees, and the cleanup to call from a suite's after(). */
export function trees(prefix: string): { tree: (procs: FakeProc[]) => string; removeAll: () => void } {
  const made: string[] = [];
  return {
    tree: (procs) => { const r = makeTree(procs, prefix); made.push(r); return r; },
    removeAll: () => { for (const t of made.splice(0)) fs.rmSync(t, { recursive: true, force: true }); },
  };
}

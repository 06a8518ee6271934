// The process's I/O for both front ends: stdout through one reused buffer,
// stderr lines, and the facts about this process that notes need. With
// main.ts, the only code that touches stdout, stderr and process.*; the
// commands get an Io (src/types.ts) and never touch them themselves.
import fs = require('fs');
import { hasPtraceCap } from '../proc/pid';
import { Io } from '../types';

/** Thrown by the writer when the reader of stdout went away (EPIPE): exit quietly. */
export class PipeClosed extends Error {}

let sleeper: Int32Array | null = null;
function nap(ms: number) {
  if (!sleeper) sleeper = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Writes all of s to fd, synchronously; waits out EAGAIN on a non-blocking pipe. */
function writeAll(fd: number, s: string) {
  const b = Buffer.from(s, 'utf8');
  writeBytes(fd, b, b.length);
}

function writeBytes(fd: number, b: Buffer, len: number) {
  let off = 0;
  while (off < len) {
    try {
      off += fs.writeSync(fd, b, off, len - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { nap(2); continue; }
      if (code === 'EPIPE') throw new PipeClosed();
      throw e;
    }
  }
}

export function makeIo(): Io {
  // Output goes into one reused buffer as it is formatted, so the strings of a
  // row die young: held in an array until a flush, V8 promotes them, and on a
  // million-row listing the old space (and the RSS) grows with that garbage.
  const out = Buffer.allocUnsafe(65536);
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const n = size;
    size = 0;
    writeBytes(1, out, n);
  };
  // Read when a note needs it, not at every start: one file and its parse, a visible share of a small host's query.
  let ptrace: boolean | null | undefined;
  return {
    write(s: string) {
      // At most 3 UTF-8 bytes per UTF-16 unit.
      if (size + s.length * 3 > out.length) {
        flush();
        if (s.length * 3 > out.length) return writeAll(1, s);
      }
      size += out.write(s, size);
    },
    flush,
    error(line: string) {
      try { flush(); } catch (e) { if (!(e instanceof PipeClosed)) throw e; }
      try { writeAll(2, line + '\n'); } catch (e) { /* stderr closed: nothing to say it on */ }
    },
    euid: typeof process.geteuid === 'function' ? process.geteuid() : -1,
    get ptrace() {
      if (ptrace === undefined) {
        try {
          ptrace = hasPtraceCap(fs.readFileSync('/proc/self/status', 'latin1'));
        } catch (e) {
          ptrace = null;
        }
      }
      return ptrace;
    },
    get groups() {
      const g = typeof process.getgroups === 'function' ? process.getgroups() : [];
      if (typeof process.getegid === 'function') g.push(process.getegid());
      return g;
    },
    later(ms, fn) { setTimeout(fn, ms); },
    argv1: process.argv[1] || 'portown',
  };
}

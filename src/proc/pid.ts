// Per-process files: <root>/<pid>/{comm,status,cmdline,stat} and the fd links.
// Each reader returns null (or -1) when the process went away or the file
// cannot be read: processes vanish mid-scan on every busy host.
import fs = require('fs');

const small = Buffer.allocUnsafe(4096);

/**
 * Reads up to `max` bytes of a small file; null on any error. With `keep`
 * the bytes are copied into a Buffer of their own; without, they are a view
 * of a scratch buffer, valid until the next readSmall: for files parsed at
 * once (status, stat). A copy of every file read came from Node's shared
 * slabs, and a few long-lived names among the dead status copies kept whole
 * slabs alive.
 */
export function readSmall(path: string, max: number = 4096, keep: boolean = true): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    return null;
  }
  try {
    const buf = max <= small.length ? small : Buffer.allocUnsafe(max);
    let got = 0;
    while (got < max) {
      const n = fs.readSync(fd, buf, got, max - got, null as unknown as number);
      if (n === 0) break;
      got += n;
    }
    return keep ? Buffer.from(buf.subarray(0, got)) : buf.subarray(0, got);
  } catch (e) {
    return null;
  } finally {
    try { fs.closeSync(fd); } catch (e) { /* already gone */ }
  }
}

/** Numeric entries of a directory, ascending (as the kernel lists /proc). Throws if unreadable. */
export function listNumeric(dir: string): number[] {
  const names = fs.readdirSync(dir);
  const out: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const s = names[i];
    const c = s.charCodeAt(0);
    if (c < 0x30 || c > 0x39) continue;
    const n = +s;
    if (n >= 0 && String(n) === s) out.push(n);
  }
  out.sort((a, b) => a - b);
  return out;
}

/** comm without its newline (15 bytes at most). Null when unreadable. */
export function readComm(dir: string): Buffer | null {
  const b = readSmall(dir + '/comm', 64);
  if (!b) return null;
  return b.length > 0 && b[b.length - 1] === 0x0a ? b.subarray(0, b.length - 1) : b;
}

export const CMDLINE_MAX = 4096;

/** cmdline, at most CMDLINE_MAX bytes, NULs turned into spaces, trailing ones dropped. */
export function readCmdline(dir: string): Buffer | null {
  const c = readCmdlineArgv0(dir);
  return c && c.cmdline;
}

/** readCmdline, plus where argv[0] ends (netstat -p names a process by argv[0]). */
export function readCmdlineArgv0(dir: string): { cmdline: Buffer; argv0Len: number } | null {
  const b = readSmall(dir + '/cmdline', CMDLINE_MAX);
  if (!b) return null;
  const nul = b.indexOf(0);
  return { argv0Len: nul < 0 ? b.length : nul, cmdline: cleanCmdline(b) };
}

export function cleanCmdline(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  const out = b.subarray(0, end);
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = 0x20;
  return out;
}

interface Status {
  /** Name: line, as the kernel escapes it there (fallback for kernels without comm). */
  name: Buffer | null;
  /**
   * The name is comm's bytes exactly. The kernel writes "Name:\t" and comm,
   * escaping only backslash and newline (as \\ and \n; 2.6 to 6.x alike), so a
   * Name with no backslash after its one tab is comm itself, and comm need
   * not be read (one file fewer per holder).
   */
  exact: boolean;
  /** Effective uid (second field of Uid:), -1 when absent. */
  uid: number;
  /** The pid in the innermost pid namespace (last field of NSpid:, kernels 4.1+), 0 when absent. */
  nspid: number;
}

/** Name and effective uid from status. Null when unreadable. */
export function readStatus(dir: string): Status | null {
  const b = readSmall(dir + '/status', 4096, false);
  if (!b) return null;
  return parseStatus(b);
}

export function parseStatus(b: Buffer): Status {
  const st: Status = { name: null, exact: false, uid: -1, nspid: 0 };
  let i = 0;
  while (i < b.length) {
    let e = b.indexOf(0x0a, i);
    if (e < 0) e = b.length;
    if (b[i] === 0x4e && st.name === null && b.subarray(i, i + 5).toString('latin1') === 'Name:') {
      let s = i + 5;
      let backslash = s;
      while (backslash < e && b[backslash] !== 0x5c) backslash++;
      st.exact = s < e && b[s] === 0x09 && backslash === e;
      if (st.exact) s++;
      else while (s < e && (b[s] === 0x09 || b[s] === 0x20)) s++;
      // A copy: b is readSmall's scratch buffer (and a view of a copy would keep the whole status file alive).
      st.name = Buffer.from(b.subarray(s, e));
    } else if (b[i] === 0x55 && b.subarray(i, i + 4).toString('latin1') === 'Uid:') {
      const f = b.subarray(i + 4, e).toString('latin1').trim().split(/\s+/);
      const v = f.length > 1 ? +f[1] : +f[0];
      if (v >= 0 && String(v) === (f.length > 1 ? f[1] : f[0])) st.uid = v;
    } else if (b[i] === 0x4e && b.subarray(i, i + 6).toString('latin1') === 'NSpid:') {
      const f = b.subarray(i + 6, e).toString('latin1').trim().split(/\s+/);
      const v = +f[f.length - 1];
      if (v > 0 && String(v) === f[f.length - 1]) st.nspid = v;
      // Name comes first, Uid ninth and NSpid about fourteenth: the other lines are not needed.
      break;
    }
    i = e + 1;
  }
  return st;
}

/**
 * starttime (field 22 of stat, clock ticks since boot): with the pid it names
 * one process for the life of the system, so reading it before and after a
 * process's fds and name tells whether the pid was reused in between. The
 * comm in field 2 may hold spaces and ')', so fields count from the last ')'.
 * Returns -1 when unreadable or malformed.
 */
export function readStartTime(dir: string): number {
  const b = readSmall(dir + '/stat', 1024, false);
  if (!b) return -1;
  return parseStartTime(b);
}

export function parseStartTime(b: Buffer): number {
  const close = b.lastIndexOf(0x29);
  if (close < 0) return -1;
  // After ')': " S ppid pgrp ..." : field 3 is state; starttime is field 22.
  const rest = b.subarray(close + 2).toString('latin1').split(' ');
  const v = +rest[22 - 3];
  return rest.length > 19 && v >= 0 ? v : -1;
}

/** CapEff from a status file's text: whether bit 19 (CAP_SYS_PTRACE) is set. */
export function hasPtraceCap(statusText: string): boolean | null {
  const m = /^CapEff:\s*([0-9a-fA-F]+)/m.exec(statusText);
  if (!m) return null;
  const hex = m[1];
  // bit 19 lives in the 5th hex digit from the right
  const digit = parseInt(hex.charAt(hex.length - 5) || '0', 16);
  return (digit & 0x8) !== 0;
}

// The notes portown prints on stderr when it could not see everything.
// Pure: they take counts and return lines.
import { ScanStats } from './owners';
import { TableReport } from './types';

/** Warnings about table lines that were skipped, one line per file. */
export function tableNotes(reports: TableReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) {
    if (r.malformed > 0) {
      out.push(r.path + ': skipped ' + r.malformed + ' malformed line' + (r.malformed > 1 ? 's' : '') +
        ' (' + (r.malformed > 1 ? 'first at ' : '') + 'line ' + r.firstMalformedLine + ')');
    }
    if (r.longLines > 0) {
      out.push(r.path + ': skipped ' + r.longLines + ' overlong line' + (r.longLines > 1 ? 's' : '') +
        ' (' + (r.longLines > 1 ? 'first at ' : '') + 'line ' + r.firstLongLine + ')');
    }
  }
  return out;
}

export interface Privilege {
  euid: number;
  /** CAP_SYS_PTRACE in the effective set (bit 19 of CapEff), when known. */
  ptrace: boolean | null;
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

/**
 * One note when some processes' fds could not be read. Worded after netstat's
 * "(Not all processes could be identified, ...)", plus the reason.
 */
export function privilegeNote(s: ScanStats, p: Privilege): string | null {
  if (s.denied === 0) return null;
  const which = s.denied + ' of ' + s.processes + ' processes' +
    ' (pid ' + s.deniedPids.join(', ') + (s.denied > s.deniedPids.length ? ', ...' : '') + ')';
  if (p.euid === 0 && p.ptrace === false) {
    return 'Not all processes could be identified: ' + which + ' refused /proc/PID/fd because this root lacks CAP_SYS_PTRACE (a container?); their sockets show \'-\'.';
  }
  if (p.euid === 0) {
    return 'Not all processes could be identified: ' + which + ' refused /proc/PID/fd even to root (they hold capabilities this process lacks, or a security module says no); their sockets show \'-\'.';
  }
  return 'Not all processes could be identified: ' + which + ' belong to other users, whose /proc/PID/fd is closed to uid ' + p.euid +
    '; their sockets show \'-\'. You would have to be root to see it all.';
}

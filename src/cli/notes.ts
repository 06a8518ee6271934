// The note portown prints on stderr when it could not see every process.
// Pure: it takes counts and returns a line.
import { ProcMount } from '../proc/mountinfo';
import { Elsewhere } from '../query/query';
import { ScanStats } from '../scan/types';

interface Privilege {
  euid: number;
  /** CAP_SYS_PTRACE in the effective set (bit 19 of CapEff), when known. */
  ptrace: boolean | null;
  /** How the procfs we read was mounted, when it is a procfs mount point. */
  mount?: ProcMount | null;
  /** Supplementary and effective group ids (for hidepid's gid= exemption). */
  groups?: number[];
}

/** True when the mount hides other users' processes from us altogether. */
function hidesProcesses(p: Privilege): boolean {
  const m = p.mount;
  if (!m || (m.hidepid !== 2 && m.hidepid !== 4)) return false;
  if (m.gid >= 0 && p.groups && p.groups.indexOf(m.gid) >= 0) return false;
  // root sees everything only with CAP_SYS_PTRACE (hidepid checks ptrace access).
  return !(p.euid === 0 && p.ptrace !== false);
}

/**
 * One note when some processes' fds could not be read. Worded after netstat's
 * "(Not all processes could be identified, ...)", plus the reason.
 */
export function privilegeNote(s: ScanStats, p: Privilege): string | null {
  if (hidesProcesses(p)) {
    const m = p.mount as ProcMount;
    return 'Not all processes could be identified: this /proc is mounted with hidepid=' + m.hidepid +
      ', which hides other users\' processes from uid ' + p.euid +
      (p.euid === 0 ? ' (this root lacks CAP_SYS_PTRACE)' : '') +
      (s.denied > 0 ? ', and ' + s.denied + ' visible process' + (s.denied > 1 ? 'es' : '') + ' refused /proc/PID/fd' : '') +
      '; sockets they hold show \'-\'.' + (m.gid >= 0 ? ' Members of group ' + m.gid + ' see them all.' : '');
  }
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

/** When namespaces were read but some processes' could not be: an unprivileged user often may not read ns/net. */
export function netnsNote(unreadable: number, euid: number): string {
  return 'the network namespace of ' + unreadable + ' process' + (unreadable > 1 ? 'es' : '') + ' could not be read' +
    (euid !== 0 ? ' by uid ' + euid : '') + ': sockets in namespaces only they are in may be missing.' +
    (euid !== 0 ? ' You would have to be root to see them all.' : '');
}

/** The note of a port query that found nothing in portown's own namespace but something in others. */
export function elsewhereNote(port: number, where: Elsewhere[]): string {
  const list = where.map((w) => 'net:[' + w.netns + '] (pid ' + w.pid + ', ' + w.sockets + ' socket' + (w.sockets > 1 ? 's' : '') + ')');
  return 'port ' + port + ' is not in use in this network namespace, but is in ' +
    (where.length > 1 ? where.length + ' others: ' : 'another: ') + list.join(', ') + '; see ' + (where.length > 1 ? 'them' : 'it') + ' with --netns all';
}

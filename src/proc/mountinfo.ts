// /proc/self/mountinfo: how a procfs is mounted (hidepid, gid=), which
// decides what an unprivileged scan can see.
//   42 27 0:39 / /tmp/p rw,relatime - proc proc rw,hidepid=invisible,gid=4
import fs = require('fs');

/** The options of a procfs mount that hide processes. */
export interface ProcMount {
  /** 0 off, 1 noaccess, 2 invisible, 4 ptraceable (the kernel's numbers). */
  hidepid: number;
  /** gid= : members of this group see everything; -1 when unset. */
  gid: number;
}

const HIDEPID: { [v: string]: number } = { '0': 0, off: 0, '1': 1, noaccess: 1, '2': 2, invisible: 2, '4': 4, ptraceable: 4 };

/** A mountinfo path field: spaces, tabs, newlines and backslashes come as octal escapes. */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The procfs mounted at `mountPoint` (a real path), from /proc/self/mountinfo:
 *   42 27 0:39 / /tmp/p rw,relatime - proc proc rw,hidepid=invisible,gid=4
 * Null when no procfs is mounted exactly there (e.g. --proc at a snapshot).
 * The last matching line wins: it is the mount on top.
 */
export function procMountAt(mountinfo: string, mountPoint: string): ProcMount | null {
  let found: ProcMount | null = null;
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0 || f.length < dash + 4 || f[dash + 1] !== 'proc' || unescapeMountPath(f[4]) !== mountPoint) continue;
    const m: ProcMount = { hidepid: 0, gid: -1 };
    for (const opt of f[dash + 3].split(',')) {
      const eq = opt.indexOf('=');
      const k = eq < 0 ? opt : opt.slice(0, eq);
      const v = opt.slice(eq + 1);
      if (k === 'hidepid' && v in HIDEPID) m.hidepid = HIDEPID[v];
      else if (k === 'gid' && /^[0-9]+$/.test(v)) m.gid = +v;
    }
    found = m;
  }
  return found;
}

/** How the procfs at root is mounted, from our own mountinfo; null when not a procfs mount point. */
export function procMount(root: string): ProcMount | null {
  try {
    return procMountAt(fs.readFileSync('/proc/self/mountinfo', 'latin1'), fs.realpathSync(root));
  } catch (e) {
    return null;
  }
}

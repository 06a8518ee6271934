// The PID/Program name column of netstat -p.
//
// net-tools keeps, for each socket inode, the FIRST process that holds it in
// /proc order (ascending pids) and names it "PID/argv0", where argv0 is the
// first NUL-terminated word of the first 511 bytes of cmdline, reduced to its
// basename only when it starts with '/' (so "sshd: user@pts/0" stays whole).
// BusyBox always takes the basename. The text is cut to 19 bytes (a 20-byte
// buffer), and every byte outside printable ASCII becomes '.' (net-tools' fix
// for CVE-2024-58251). A kernel thread (empty cmdline) gives "PID/".
import { dotUnprintable } from '../text/escape';
import { Owner } from '../types';

const PROGNAME_MAX = 19;
const CMDLINE_READ = 511;

/** argv[0]'s name from raw cmdline bytes, by each tool's rule. */
export function argv0Name(cmdline: Uint8Array, busybox: boolean): Uint8Array {
  let end = cmdline.indexOf(0);
  if (end < 0) end = cmdline.length;
  const argv0 = cmdline.subarray(0, end);
  if (argv0.length === 0 || (!busybox && argv0[0] !== 0x2f)) return argv0;
  return argv0.subarray(argv0.lastIndexOf(0x2f) + 1);
}

/** "PID/name", cut to 19 bytes, unprintable bytes as '.'. */
export function programText(pid: number, name: Uint8Array): string {
  const head = Buffer.from(pid + '/', 'latin1');
  const all = Buffer.concat([head, Buffer.from(name.buffer, name.byteOffset, name.length)]);
  return dotUnprintable(all, 0, Math.min(all.length, PROGNAME_MAX));
}

/** Names the first holder of each socket, from the cmdline the owner scan already read. */
export class ProgramNames {
  private cache = new Map<number, string>();

  constructor(private busybox: boolean) {}

  of(owners: Owner[] | undefined): string {
    if (!owners || owners.length === 0) return '-';
    const p = owners[0].proc;
    let s = this.cache.get(p.pid);
    if (s === undefined) {
      // net-tools reads the first 511 bytes of cmdline; argv[0] is what precedes its first NUL.
      s = programText(p.pid, argv0Name(p.cmdline.subarray(0, Math.min(p.argv0Len, CMDLINE_READ)), this.busybox));
      this.cache.set(p.pid, s);
    }
    return s;
  }
}

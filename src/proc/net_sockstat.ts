// /proc/net/sockstat and /proc/net/sockstat6: the kernel's socket counts, kept
// in counters (reading them walks no hash, unlike the tables), e.g.
//   sockets: used 290
//   TCP: inuse 27 orphan 0 tw 6041 alloc 31 mem 158
//   UDP: inuse 3 mem 1
// and in sockstat6 "TCP6: inuse 2", "UDP6: inuse 1" (IPv6 sockets, v4-mapped
// ones too, count there only). TIME_WAIT sockets of both families are counted
// once, as TCP's tw. Both files are per network namespace, like the tables,
// and have had these lines since Linux 2.6; but on older kernels (before about
// 4.12) tw was the host's count, so in a container there a selective query may
// be pipelined for the host's TIME_WAIT sockets: a little speed either way,
// never a different answer. SYN_RECV requests are rows that are not counted.
//
// A selective query reads this before its tables to tell whether they are
// big enough for reading them on the thread pool during the fd scan to pay
// (query/plan.ts).
import { isPlainDecimal } from '../text/bytes';
import { readSmall } from './pid';

/** The IP tables' rows (tcp, tcp6, udp, udp6) a sockstat and sockstat6 text count: sockets in use plus TIME_WAIT. */
export function sockstatRows(text: string): number {
  let rows = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i].trim().split(/\s+/);
    const proto = f[0];
    if (proto !== 'TCP:' && proto !== 'UDP:' && proto !== 'TCP6:' && proto !== 'UDP6:') continue;
    for (let k = 1; k + 1 < f.length; k += 2) {
      if (f[k] !== 'inuse' && !(f[k] === 'tw' && proto === 'TCP:')) continue;
      if (isPlainDecimal(f[k + 1])) rows += +f[k + 1];
    }
  }
  return rows;
}

/** About how many rows root's IP tables have, from its sockstat files; 0 when neither can be read. */
export function tableRowsAt(root: string): number {
  return rowsIn(root + '/net/sockstat') + rowsIn(root + '/net/sockstat6');
}

function rowsIn(path: string): number {
  const b = readSmall(path, 4096, false);
  return b ? sockstatRows(b.toString('latin1')) : 0;
}

// The addresses a network namespace owns: /proc/<pid>/net/fib_trie lists
// each IPv4 address of the namespace as a leaf followed by "/32 host LOCAL",
//   |-- 172.17.0.2
//      /32 host LOCAL
// and /proc/<pid>/net/if_inet6 lists each IPv6 address as 32 hex digits.
// Used to find which namespace (which container) a forwarder's target
// address belongs to.
import { readLines } from '../text/linereader';

/** Whether `line`, after `prev`, is fib_trie's mark of `address` as a local address of the namespace. */
export function isLocalLeaf(prev: string, line: string, address: string): boolean {
  return prev.trim() === '|-- ' + address && /^\s*\/32 host LOCAL\s*$/.test(line);
}

/** The 32 hex digits if_inet6 writes for an IPv6 address in text form; null when it is not one. */
export function inet6Hex(address: string): string | null {
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const all = head.concat(new Array(halves.length === 2 ? fill : 0).fill('0'), tail);
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => ('0000' + g).slice(-4)).join('');
}

/** Whether the namespace whose tables are under `dir` (<root>/<pid>) owns `address`; false when its files cannot be read. */
export function ownsAddress(dir: string, address: string): boolean {
  const v6 = address.indexOf(':') >= 0 ? inet6Hex(address) : null;
  let found = false;
  const path = dir + '/net/' + (v6 !== null ? 'if_inet6' : 'fib_trie');
  let last = '';
  try {
    readLines(path, (buf, start, end) => {
      if (found) return;
      const line = buf.toString('latin1', start, end);
      if (v6 !== null) found = line.slice(0, 32) === v6;
      else found = isLocalLeaf(last, line, address);
      last = line;
    });
  } catch (e) {
    return false;
  }
  return found;
}

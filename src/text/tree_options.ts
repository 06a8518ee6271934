// The two options both commands take to read a /proc tree other than this
// machine's: --proc DIR and --byte-order le|be (for a snapshot taken on a
// machine of the other byte order).
import { OptionSpec } from './argv';
import { ByteOrder, parseByteOrder } from './endian';

/** What those options set. */
interface TreeOptions {
  proc: string;
  byteOrder: ByteOrder | null;
}

export function treeOptions<O extends TreeOptions>(): OptionSpec<O>[] {
  return [
    { long: '--proc', value: 'a directory', set: setProc },
    { long: '--byte-order', value: 'le or be', set: setByteOrder },
  ];
}

function setProc(o: TreeOptions, dir: string): boolean {
  if (dir === '') return false;
  o.proc = dir;
  return true;
}

function setByteOrder(o: TreeOptions, s: string): boolean {
  const b = parseByteOrder(s);
  if (b) o.byteOrder = b;
  return b !== null;
}

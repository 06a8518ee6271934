// Whole-table readers for the tests: the query and netstat read tables
// through tableAt and readTables (src/proc/table.ts); these do the same for
// one table, with the production line handlers, and return its report.
import { ipTableLines, IpRow } from '../../src/proc/net_inet';
import { unixTableLines, UnixRow } from '../../src/proc/net_unix';
import { newTableReport, readTable } from '../../src/proc/table';
import { ByteOrder } from '../../src/text/endian';
import { InetProto, InetSocket, TableReport, UnixSocket } from '../../src/types';

/** Streams <root>/net/<proto>: `want` sees each parsed row in place, `onRow` each wanted socket once. */
export function scanIpTable(root: string, proto: InetProto, order: ByteOrder, want: (buf: Buffer, row: IpRow) => boolean,
  onRow: (s: InetSocket) => void): TableReport {
  const report = newTableReport(root + '/net/' + proto);
  readTable(report, ipTableLines(report, proto, order, want, onRow));
  return report;
}

/** Streams <root>/net/unix: `want` sees each parsed row in place, `onRow` each wanted socket once its path is complete. */
export function scanUnixTable(root: string, want: (buf: Buffer, row: UnixRow) => boolean, onRow: (s: UnixSocket) => void): TableReport {
  const report = newTableReport(root + '/net/unix');
  const lines = unixTableLines(report, want, onRow);
  readTable(report, lines.onLine, lines.after);
  return report;
}

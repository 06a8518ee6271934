// Reading one /proc table: stream it through a line handler (the parsers
// of net_inet.ts, net_unix.ts, netstat's route) and keep a report of what
// could not be used, which tableNotes() turns into one line per file. A
// missing table is quiet (a kernel without IPv6 has no tcp6); any other read
// error is thrown, or handed to done on the pool.
import { LineHandler, LineStats, readLines, readLinesAsync } from '../text/linereader';
import { TableReport } from '../types';

export function newTableReport(path: string): TableReport {
  return { path, missing: false, rows: 0, malformed: 0, firstMalformedLine: 0, longLines: 0, firstLongLine: 0, duplicates: 0 };
}

/** Counts a malformed line, remembering the first one's number. */
export function countMalformed(report: TableReport, lineNo: number) {
  report.malformed++;
  if (report.firstMalformedLine === 0) report.firstMalformedLine = lineNo;
}

/**
 * Streams report.path through onLine, then records skipped long lines. A
 * missing file sets report.missing quietly; other errors are thrown.
 */
export function readTable(report: TableReport, onLine: LineHandler, after?: () => void) {
  try {
    tableRead(report, readLines(report.path, onLine), after);
  } catch (e) {
    if (!tableMissing(report, e as NodeJS.ErrnoException)) throw e;
  }
}

/**
 * readTable on libuv's thread pool (readLinesAsync): the lines are handed
 * over on the main thread as pages come in. done gets the errors readTable
 * would throw.
 */
export function readTableAsync(report: TableReport, onLine: LineHandler, after: (() => void) | undefined, done: (err: Error | null) => void) {
  readLinesAsync(report.path, onLine, (err, stats) => {
    if (err) return done(tableMissing(report, err) ? null : err);
    tableRead(report, stats as LineStats, after);
    done(null);
  });
}

/** One table of a listing: its report, line handler, what to run after its last line, and text to write before it. */
export interface TableRead {
  report: TableReport;
  onLine: LineHandler;
  after?: () => void;
  before?: () => void;
}

/** A TableRead of <root>/net/<name>, with the line handler `lines` makes for its report. */
export function tableAt(root: string, name: string,
  lines: (report: TableReport) => LineHandler | { onLine: LineHandler; after: () => void }): TableRead {
  const report = newTableReport(root + '/net/' + name);
  const l = lines(report);
  return typeof l === 'function' ? { report, onLine: l } : { report, onLine: l.onLine, after: l.after };
}

/** Reads the tables in order with readTable; a read error is thrown, and stops the reading there. */
export function readTables(reads: TableRead[]): void {
  for (const r of reads) {
    if (r.before) r.before();
    readTable(r.report, r.onLine, r.after);
  }
}

/**
 * readTables on the pool, with readTableAsync (the pipelined query, while the
 * scan runs on the main thread); done gets the read error that stopped it.
 */
export function readTablesAsync(reads: TableRead[], done: (err: Error | null) => void): void {
  let k = 0;
  const next = (err: Error | null) => {
    if (err || k === reads.length) return done(err);
    const r = reads[k++];
    if (r.before) r.before();
    readTableAsync(r.report, r.onLine, r.after, next);
  };
  next(null);
}

function tableRead(report: TableReport, stats: LineStats, after?: () => void) {
  if (after) after();
  report.longLines = stats.longLines;
  report.firstLongLine = stats.firstLongLine;
}

function tableMissing(report: TableReport, e: NodeJS.ErrnoException): boolean {
  // read() errors (EISDIR, EIO) carry no path: the message should name the table.
  if (e && typeof e === 'object' && !e.path) e.path = report.path;
  if (e.code !== 'ENOENT') return false;
  report.missing = true;
  return true;
}

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

// netstat mode: "portown netstat [options]", or this file run under the name
// "netstat". Prints what net-tools 2.10's netstat prints, byte for byte
// (or BusyBox's format with --busybox), from /proc alone.
import { checkProcRoot, errnoText, isFsError } from '../proc/errors';
import { quoteText } from '../text/escape';
import { UsageError } from '../text/argv';
import { hostByteOrder } from '../text/endian';
import { inetFieldsOf, IpRow, ipTableRows, rowRemoteIsAny } from '../proc/net_inet';
import { readTables, tableAt, TableRead, tableNotes } from '../proc/table';
import { UnixRow, unixTableLines } from '../proc/net_unix';
import { OwnerMap } from '../scan/types';
import { inetTables } from '../query/query';
import { planScan, runScan } from '../query/plan';
import { UNIX_FLAG_ACCEPTCON } from '../text/states';
import { Done, InetProto, Io, TableReport } from '../types';
import { userName } from '../text/users';
import { NetstatOptions, parseNetstatArgs, protoSetOf } from './args';
import { Context, inetHeader, inetLine, unixHeader, unixLine } from './format';
import { NETSTAT_HELP } from './help';
import { Names } from './names';
import { ProgramNames } from './program';
import { routeHeader, routeLine, scanRoutes } from './route';

const EXIT_OK = 0;
const EXIT_USAGE = 2;

/** Environment the mode reads: PORTOWN_NETSTAT_STYLE, PROC_ROOT and PORTOWN_SCAN. */
type Env = { [k: string]: string | undefined };


/** Thrown inside a listing for a /proc that cannot be read: one line, exit 2. */
class ReadError extends Error {}

/** The one-line error of a /proc that cannot be read; anything that is not an fs error goes on up. */
function readError(e: unknown, fallbackPath: string): ReadError {
  if (!isFsError(e)) throw e;
  const err = e as NodeJS.ErrnoException;
  return new ReadError('cannot read ' + (err.path || fallbackPath) + ': ' + errnoText(e));
}

/** net-tools' words when -p could not see every process (printed before the listing). */
export function privilegeWarning(owners: OwnerMap, euid: number, busybox: boolean): string[] {
  if (owners.stats.dirDenied === 0) return [];
  const none = owners.byInode.size === 0;
  if (busybox) return [none ? 'netstat: can\'t scan /proc - are you root?' : 'netstat: showing only processes with your user ID'];
  if (none) return ['(No info could be read for "-p": geteuid()=' + euid + ' but you should be root.)'];
  return ['(Not all processes could be identified, non-owned process info',
    ' will not be shown, you would have to be root to see it all.)'];
}

interface Run {
  o: NetstatOptions;
  root: string;
  io: Io;
  names: Names;
  /** PORTOWN_SCAN, which forces the owner scan of -p (query/plan.ts). */
  scanEnv: string | undefined;
}

function context(r: Run, prog: (inode: string) => string): Context {
  const o = r.o;
  return {
    busybox: o.style === 'busybox', numeric: o.numeric, wide: o.wide, extend: o.extend > 0,
    program: o.program, timers: o.timers, all: o.all, listening: o.listening && !o.all,
    names: r.names, user: (uid) => userName(uid), prog: (s) => prog(s.inode),
  };
}

/** The in-place row test: -a takes all; -l the servers; the default the others. */
function inetWant(proto: InetProto, c: Context): (b: Buffer, row: IpRow) => boolean {
  if (c.all) return () => true;
  const tcp = proto === 'tcp' || proto === 'tcp6';
  // TCP decides by the remote port, UDP and raw by the remote address.
  return tcp ? (_b, row) => (row.remotePort === 0) === c.listening : (b, row) => rowRemoteIsAny(b, row) === c.listening;
}

function unixWant(c: Context): (b: Buffer, row: UnixRow) => boolean {
  if (c.all) return () => true;
  return (_b, row) => (row.state === 1 && (row.flags & UNIX_FLAG_ACCEPTCON) !== 0) === c.listening;
}

/** One listing of the sockets, with the owners of -p (null without); returns the tables it read, or the error that ended it. */
function listSockets(r: Run, owners: OwnerMap | null): TableReport[] | ReadError {
  const { o, root, io } = r;
  const sel = protoSetOf(o);
  const busybox = o.style === 'busybox';
  if (owners) for (const line of privilegeWarning(owners, io.euid, busybox)) io.error(line);
  const programs = new ProgramNames(busybox);
  const byInode = owners ? owners.byInode : null;
  const c = context(r, (inode) => programs.of(inode !== '0' && byInode ? byInode.get(inode) : undefined));
  const order = o.byteOrder || hostByteOrder();
  const reads: TableRead[] = [];
  if (sel.tcp || sel.udp || sel.raw) {
    inetTables(sel).forEach((proto, k) => {
      // one record refilled per row: a row is printed at once and nothing of it kept
      const fields = inetFieldsOf(proto, order);
      const t = tableAt(root, proto, (report) => ipTableRows(report, proto, inetWant(proto, c), (b, row) => io.write(inetLine(fields(b, row), c))));
      if (k === 0) t.before = () => io.write(inetHeader(c));
      reads.push(t);
    });
  }
  if (sel.unix) {
    const t = tableAt(root, 'unix', (report) => unixTableLines(report, unixWant(c), (s) => io.write(unixLine(s, c))));
    t.before = () => io.write(unixHeader(c));
    reads.push(t);
  }
  try {
    // After the scan, on the main thread (see ScanPlan.pipelined for why not on the pool).
    readTables(reads);
  } catch (e) {
    // A table that cannot be read (not a missing one) ends the listing with its error.
    return readError(e, root + '/net');
  }
  return reads.map((t) => t.report);
}

function listRoutes(r: Run): TableReport[] | ReadError {
  const st = { busybox: r.o.style === 'busybox', numeric: r.o.numeric, extend: r.o.extend };
  let header = false;
  const writeHeader = () => {
    if (!header) r.io.write(routeHeader(st));
    header = true;
  };
  try {
    // The header waits for the file to open, so a missing table prints only the error.
    const report = scanRoutes(r.root, r.o.byteOrder || hostByteOrder(), (route) => {
      writeHeader();
      r.io.write(routeLine(route, st, r.names));
    });
    if (!report.missing) writeHeader();
    return [report];
  } catch (e) {
    return readError(e, r.root + '/net/route');
  }
}

/** One pass (one second of -c); calls done with the exit code. */
function pass(r: Run, done: (code: number) => void): void {
  const listed = (result: TableReport[] | ReadError) => {
    if (result instanceof ReadError) {
      r.io.error('netstat: ' + result.message);
      return done(EXIT_USAGE);
    }
    done(checkReports(r, result));
  };
  if (r.o.action === 'route') return listed(listRoutes(r));
  if (!r.o.program) return listed(listSockets(r, null));
  let scanned = false;
  try {
    // Planned at each pass: -c may run while processes come and go.
    runScan(planScan(r.scanEnv, r.root, 'full'), { root: r.root, wanted: null, threads: false, argv0Only: true }, (owners) => {
      scanned = true;
      listed(listSockets(r, owners));
    });
  } catch (e) {
    // the process list could not be read (the listing's own errors are handled in listed)
    if (scanned) throw e;
    listed(readError(e, r.root));
  }
}

/** What a pass ends with: a /proc with no tables is a usage error; else the table notes, exit 0. */
function checkReports(r: Run, reports: TableReport[]): number {
  if (reports.length > 0 && reports.every((t) => t.missing)) {
    r.io.error('netstat: no /proc/net tables under ' + quoteText(r.root) + ' (' +
      reports.map((t) => t.path.slice(t.path.lastIndexOf('/net/') + 1)).join(', ') + '): is it a /proc tree?');
    return EXIT_USAGE;
  }
  for (const line of tableNotes(reports)) r.io.error('netstat: ' + line);
  return EXIT_OK;
}


export function runNetstat(args: string[], env: Env, io: Io, done: Done): void {
  let o: NetstatOptions;
  try {
    o = parseNetstatArgs(args, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.error('netstat: ' + e.message);
    return done(EXIT_USAGE);
  }
  if (o.action === 'help') {
    io.write(NETSTAT_HELP);
    return done(EXIT_OK);
  }
  if (o.action === 'version') {
    io.write('portown ' + __PORTOWN_VERSION__ + ' netstat mode (net-tools 2.10 and BusyBox formats)\n');
    return done(EXIT_OK);
  }
  const root = o.proc.replace(/\/+$/, '') || '/';
  const bad = checkProcRoot(root);
  if (bad) {
    io.error('netstat: ' + bad);
    return done(EXIT_USAGE);
  }
  const r: Run = { o, root, io, names: new Names(), scanEnv: env.PORTOWN_SCAN };
  // -c: once a second until killed, or until the reader goes away (the
  // write then throws, and main.ts exits quietly with 0).
  const loop = () => pass(r, (code) => {
    if (code !== EXIT_OK || !o.continuous) return done(code);
    io.flush();
    io.later(1000, loop);
  });
  loop();
}

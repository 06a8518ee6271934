// The command line: the only module that touches process.argv, the
// environment, stdout/stderr and the exit code. Everything below is pure
// functions over a /proc root.
import fs = require('fs');
import { checkProcRoot, errnoText } from '../proc/errors';
import { Options, parseArgs } from './args';
import { UsageError } from '../text/argv';
import { hostByteOrder } from '../text/endian';
import { JsonArrayWriter, TableWriter } from './format';
import { quoteText } from '../text/escape';
import { HELP } from './help';
import { Io } from './io';
import { privilegeNote, hasPtraceCap, procMountAt, ProcMount, tableNotes } from './notes';
import { Mode, ProtoSet, Query, QueryResult, runQuery, Scanner, ScanPlan, SYNC_PLAN, syncScanner } from '../query/query';
import { listProcesses, ScanOptions } from '../scan/owners';
import { AsyncTuning, DEFAULT_TUNING, scanOwnersAsync } from '../scan/pool';
import { runNetstat } from '../netstat/index';
import { tableRowsAt } from '../proc/net_sockstat';
import { scanChoice } from '../query/plan';
import { SocketRecord } from '../types';
import { TCP_CLOSE, TCP_LISTEN } from '../text/states';


const EXIT_FOUND = 0;
const EXIT_NONE = 1;
const EXIT_USAGE = 2;

/** Thrown by the writer when the reader of stdout went away (EPIPE): exit quietly. */
class PipeClosed extends Error {}

let sleeper: Int32Array | null = null;
function nap(ms: number) {
  if (!sleeper) sleeper = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Writes all of s to fd, synchronously; waits out EAGAIN on a non-blocking pipe. */
function writeAll(fd: number, s: string) {
  const b = Buffer.from(s, 'utf8');
  writeBytes(fd, b, b.length);
}

function writeBytes(fd: number, b: Buffer, len: number) {
  let off = 0;
  while (off < len) {
    try {
      off += fs.writeSync(fd, b, off, len - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { nap(2); continue; }
      if (code === 'EPIPE') throw new PipeClosed();
      throw e;
    }
  }
}

function makeIo(): Io {
  // Output goes into one reused buffer as it is formatted, so the strings of a
  // row die young: held in an array until a flush, V8 promotes them, and on a
  // million-row listing the old space (and the RSS) grows with that garbage.
  const out = Buffer.allocUnsafe(65536);
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const n = size;
    size = 0;
    writeBytes(1, out, n);
  };
  // Read when a note needs it, not at every start (one file and its parse, ~0.5 ms of a small host's query).
  let ptrace: boolean | null | undefined;
  return {
    write(s: string) {
      // At most 3 UTF-8 bytes per UTF-16 unit.
      if (size + s.length * 3 > out.length) {
        flush();
        if (s.length * 3 > out.length) return writeAll(1, s);
      }
      size += out.write(s, size);
    },
    flush,
    error(line: string) {
      try { flush(); } catch (e) { if (!(e instanceof PipeClosed)) throw e; }
      try { writeAll(2, line + '\n'); } catch (e) { /* stderr closed: nothing to say it on */ }
    },
    euid: typeof process.geteuid === 'function' ? process.geteuid() : -1,
    get ptrace() {
      if (ptrace === undefined) {
        try {
          ptrace = hasPtraceCap(fs.readFileSync('/proc/self/status', 'latin1'));
        } catch (e) {
          ptrace = null;
        }
      }
      return ptrace;
    },
    later(ms, fn) { setTimeout(fn, ms); },
    argv1: process.argv[1] || 'portown',
  };
}


/** Protocols a query reads: explicit flags, else the mode's defaults. */
export function protoSet(o: Options, mode: Mode): ProtoSet {
  const p: ProtoSet = { tcp: o.tcp, udp: o.udp, raw: o.raw, unix: o.unix, v4: o.v4, v6: o.v6 };
  if (o.portProto) {
    p.tcp = o.portProto === 'tcp';
    p.udp = o.portProto === 'udp';
    p.raw = p.unix = false;
  } else if (!p.tcp && !p.udp && !p.raw && !p.unix) {
    p.tcp = p.udp = true;
    if (mode === 'all' || mode === 'pid') {
      p.raw = true;
      p.unix = !o.v4 && !o.v6;
    }
  }
  if (mode === 'port') p.unix = false; // unix sockets have no port
  if (!p.v4 && !p.v6) p.v4 = p.v6 = true;
  return p;
}

export function buildQuery(o: Options): Query {
  const mode: Mode = o.port ? 'port' : o.pid ? 'pid' : o.all ? 'all' : 'listening';
  return {
    root: o.proc.replace(/\/+$/, '') || '/',
    byteOrder: o.byteOrder || hostByteOrder(),
    protos: protoSet(o, mode),
    mode,
    port: o.port,
    remote: o.remote,
    pid: o.pid,
    threads: o.threads,
  };
}

function isListening(s: SocketRecord): boolean {
  if (s.kind === 'unix') return s.state === 'LISTEN';
  return s.proto.startsWith('tcp') ? s.stateCode === TCP_LISTEN : s.stateCode === TCP_CLOSE;
}


function scanEnv(env: string | undefined): { forced: string; tuning: AsyncTuning } {
  // "async:AHEAD:POOLLINKS:SLICE" (or pipe:...) also sets the tuning, for the benchmark.
  const f = (env || '').split(':');
  return { forced: f[0], tuning: f.length === 4 ? { ahead: +f[1], poolLinks: +f[2], slice: +f[3] } : DEFAULT_TUNING };
}

/** The owner scan on these processes: on the pool, or synchronous. */
function scannerFor(tuning: AsyncTuning, pids: number[], pool: boolean): Scanner {
  return (opts, done) => {
    const withPids: ScanOptions = { ...opts, pids };
    if (pool) scanOwnersAsync(withPids, done, tuning);
    else syncScanner(withPids, done);
  };
}

export function chooseScan(env: string | undefined, root: string, q: Query): ScanPlan {
  if (scanEnv(env).forced === 'sync' || q.mode === 'pid') return SYNC_PLAN;
  return planFor(env, root, listProcesses(root), q.mode === 'port' || q.mode === 'listening');
}

/** The plan for a host with these processes (scan_choice.ts). */
function planFor(env: string | undefined, root: string, pids: number[], selective: boolean): ScanPlan {
  const { forced, tuning } = scanEnv(env);
  const c = scanChoice(forced, pids.length, selective, () => tableRowsAt(root));
  return { scanner: scannerFor(tuning, pids, c.pool), pipelined: c.pipelined };
}

/** netstat's plan (its -p scan reads every socket link): picked by the number of processes when each pass runs. */
function netstatPlan(env: string | undefined): (root: string) => ScanPlan {
  return (root) => (scanEnv(env).forced === 'sync' ? SYNC_PLAN : planFor(env, root, listProcesses(root), false));
}

/** How the procfs at root is mounted (hidepid), from our own mountinfo; null when not a procfs mount point. */
function procMount(root: string): ProcMount | null {
  try {
    return procMountAt(fs.readFileSync('/proc/self/mountinfo', 'latin1'), fs.realpathSync(root));
  } catch (e) {
    return null;
  }
}

function groupIds(): number[] {
  const g = typeof process.getgroups === 'function' ? process.getgroups() : [];
  if (typeof process.getegid === 'function') g.push(process.getegid());
  return g;
}

function runMain(o: Options, io: Io, scanEnv: string | undefined, done: (code: number) => void) {
  const q = buildQuery(o);
  const bad = checkProcRoot(q.root);
  if (bad) {
    io.error('portown: ' + bad);
    return done(EXIT_USAGE);
  }
  const pids = new Set<number>();
  const json = o.json ? new JsonArrayWriter(io.write) : null;
  // --all streams with the default widths, as netstat does; a selective query's table is fitted to its rows.
  const table = new TableWriter(io.write, o.threads, q.mode === 'all' ? 0 : undefined);
  let shown = 0;
  let unowned = 0; // shown sockets with an inode but no visible holder

  const sink = (s: SocketRecord) => {
    if (o.pid && q.mode !== 'pid') {
      s.owners = s.owners.filter((x) => x.proc.pid === o.pid);
      if (s.owners.length === 0) return;
    }
    if (o.listening && q.mode !== 'listening' && !isListening(s)) return;
    shown++;
    if (s.owners.length === 0 && s.inode !== '0') unowned++;
    if (o.pids) {
      for (const x of s.owners) pids.add(x.proc.pid);
    } else if (json) {
      json.item(s);
    } else {
      table.add(s);
    }
  };

  if (json) json.open();
  const cannotRead = (e: unknown) => {
    const err = e as NodeJS.ErrnoException;
    io.error('portown: cannot read ' + (err.path || q.root) + ': ' + errnoText(e));
    done(EXIT_USAGE);
  };
  const finish = (r: QueryResult) => {
    if (r.error) return cannotRead(r.error);
    if (r.noTables) {
      io.error('portown: no /proc/net tables under ' + quoteText(q.root) + ' (net/tcp, net/udp, ...): is it a /proc tree?');
      return done(EXIT_USAGE);
    }
    if (json) json.close();
    else if (o.pids) {
      const list = Array.from(pids).sort((a, b) => a - b);
      for (const p of list) io.write(p + '\n');
    } else {
      table.end();
    }
    io.flush();
    for (const line of tableNotes(r.tables)) io.error('portown: ' + line);
    // Say what could not be seen when it may explain a socket shown without a holder.
    const note = unowned > 0 || q.mode === 'pid'
      ? privilegeNote(r.scan, { euid: io.euid, ptrace: io.ptrace, mount: procMount(q.root), groups: groupIds() })
      : null;
    if (note) io.error('portown: ' + note);
    if (q.mode === 'pid' && !r.pidFound) io.error('portown: no process ' + q.pid + ' under ' + q.root);
    done(shown > 0 ? EXIT_FOUND : EXIT_NONE);
  };
  try {
    const plan = chooseScan(scanEnv, q.root, q);
    runQuery(q, sink, finish, plan.scanner, plan.pipelined);
  } catch (e) {
    if (e instanceof PipeClosed) throw e;
    cannotRead(e);
  }
}

/** True when this file was started under the name "netstat" (a symlink or a copy). */
function startedAsNetstat(argv1: string): boolean {
  const base = argv1.slice(argv1.lastIndexOf('/') + 1);
  return base === 'netstat' || base === 'netstat.js';
}

export function main(): void {
  const io = makeIo();
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    try {
      io.flush();
    } catch (e) {
      if (!(e instanceof PipeClosed)) code = EXIT_USAGE;
      else code = 0;
    }
    process.exit(code);
  };
  const fail = (e: unknown) => {
    if (e instanceof PipeClosed) return exit(0);
    io.error('portown: unexpected error: ' + String((e as Error) && (e as Error).message || e).split('\n')[0]);
    exit(EXIT_USAGE);
  };
  process.on('uncaughtException', fail);
  // One thread in libuv's pool, not four: the pool only lists fd directories
  // and reads tables ahead of the main thread, one request at a time, and on
  // a two-core board four threads took turns with the main thread instead of
  // running beside it (measured: README, Benchmarks). libuv reads this when it
  // first uses the pool, which is after this line; a value the user set stays.
  if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '1';
  try {
    const args = process.argv.slice(2);
    const env = process.env;
    if (startedAsNetstat(io.argv1)) return runNetstat(args, env, io, exit, netstatPlan(env.PORTOWN_SCAN));
    if (args[0] === 'netstat') return runNetstat(args.slice(1), env, io, exit, netstatPlan(env.PORTOWN_SCAN));
    let o: Options;
    try {
      o = parseArgs(args, env);
    } catch (e) {
      if (e instanceof UsageError) {
        io.error('portown: ' + e.message);
        return exit(EXIT_USAGE);
      }
      throw e;
    }
    if (o.action === 'help') {
      io.write(HELP);
      return exit(0);
    }
    if (o.action === 'version') {
      io.write('portown ' + __PORTOWN_VERSION__ + '\n');
      return exit(0);
    }
    runMain(o, io, env.PORTOWN_SCAN, exit);
  } catch (e) {
    fail(e);
  }
}

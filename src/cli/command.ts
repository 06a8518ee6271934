// The main command: argv to options, options to a query, the query's
// sockets to the table, JSON or --pids, then the notes and the exit code.
// It writes through the Io that main.ts hands it.
import { checkProcRoot, errnoText, isFsError } from '../proc/errors';
import { Options, parseArgs } from './args';
import { UsageError } from '../text/argv';
import { hostByteOrder } from '../text/endian';
import { JsonArrayWriter, TableWriter } from './format';
import { quoteText } from '../text/escape';
import { HELP } from './help';
import { elsewhereNote, netnsNote, privilegeNote } from './notes';
import { tableNotes } from '../proc/table';
import { procMount } from '../proc/mountinfo';
import { PipeClosed } from './io';
import { Mode, portElsewhere, Query, QueryResult, runQuery, Sources, sourcesOf } from '../query/query';
import { NetnsError, resolveNetns } from '../proc/netns';
import { containerName, readCgroup } from '../proc/cgroup';
import { listNetns } from '../proc/netns';
import { ownsAddress } from '../proc/local_addresses';
import { forwardOf } from '../text/forwarder';
import { planScan, ScanShape } from '../query/plan';
import { Container, Done, Io, ProtoSet, SocketRecord } from '../types';
import { TCP_CLOSE, TCP_LISTEN } from '../text/states';


const EXIT_FOUND = 0;
const EXIT_NONE = 1;
export const EXIT_USAGE = 2;

/** Protocols a query reads: explicit flags, else the mode's defaults. */
function protoSet(o: Options, mode: Mode): ProtoSet {
  const p: ProtoSet = { tcp: o.tcp, udp: o.udp, raw: o.raw, unix: o.unix, ipv4: o.ipv4, ipv6: o.ipv6 };
  if (o.portProto) {
    p.tcp = o.portProto === 'tcp';
    p.udp = o.portProto === 'udp';
    p.raw = p.unix = false;
  } else if (!p.tcp && !p.udp && !p.raw && !p.unix) {
    p.tcp = p.udp = true;
    if (mode === 'all' || mode === 'pid') {
      p.raw = true;
      p.unix = !o.ipv4 && !o.ipv6;
    }
  }
  if (mode === 'port') p.unix = false; // unix sockets have no port
  if (!p.ipv4 && !p.ipv6) p.ipv4 = p.ipv6 = true;
  return p;
}

/** The query the options ask of the /proc at root; throws NetnsError for a --netns that names no namespace. */
function buildQuery(o: Options, root: string): Query {
  const mode: Mode = o.port ? 'port' : o.pid ? 'pid' : o.all ? 'all' : 'listening';
  return {
    root,
    netns: o.netns ? resolveNetns(o.netns, root) : null,
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
  if (s.kind === 'other') return false;
  if (s.kind === 'unix') return s.state === 'LISTEN';
  return s.proto.startsWith('tcp') ? s.stateCode === TCP_LISTEN : s.stateCode === TCP_CLOSE;
}

/**
 * Names the containers of a live query's holders from their runtimes' state
 * on this host (Docker's and Podman's); a snapshot's containers are not this
 * host's, so they keep their short ids.
 */
function nameContainers(s: SocketRecord): void {
  for (let i = 0; i < s.owners.length; i++) {
    const c = s.owners[i].proc.container;
    if (c && !c.name) {
      const name = containerName(c);
      if (name) c.name = name;
    }
  }
}

/** The namespaces a query's forwarders send to, looked up once a run (listNetns) and once an address. */
interface Targets {
  members: Map<string, number> | null;
  byAddress: Map<string, { netns: string; container: Container | null } | null>;
}

/**
 * For a holder that is a port forwarder naming its target (docker-proxy),
 * the namespace that owns the target address and the container of that
 * namespace's first process. Only forwarders cost anything.
 */
function findForwardTargets(s: SocketRecord, root: string, t: Targets): void {
  for (let i = 0; i < s.owners.length; i++) {
    const p = s.owners[i].proc;
    // A process holding many sockets is looked at once.
    if (p.forward !== undefined) continue;
    const f = forwardOf(p.cmdline, p.argv0Len);
    p.forward = f === null ? null : { proto: f.proto, address: f.address, port: f.port };
    if (f === null) continue;
    let target = t.byAddress.get(f.address);
    if (target === undefined) {
      if (t.members === null) t.members = listNetns(root).members;
      target = null;
      t.members.forEach((pid, ns) => {
        if (target !== null || !ownsAddress(root + '/' + pid, f.address)) return;
        const cg = readCgroup(root, pid);
        const c = cg ? cg.container : null;
        if (c && !c.name && root === '/proc') c.name = containerName(c);
        target = { netns: ns, container: c };
      });
      t.byAddress.set(f.address, target);
    }
    if (target) {
      p.forward!.netns = target.netns;
      p.forward!.container = target.container;
    }
  }
}

/** What the scan plan needs to know of a query. */
function shapeOf(q: Query): ScanShape {
  return q.mode === 'pid' ? 'pid' : q.mode === 'all' ? 'full' : 'selective';
}

function runMain(o: Options, io: Io, scanEnv: string | undefined, done: (code: number) => void) {
  const root = o.proc.replace(/\/+$/, '') || '/';
  const bad = checkProcRoot(root);
  if (bad) {
    io.error('portown: ' + bad);
    return done(EXIT_USAGE);
  }
  let q: Query;
  try {
    q = buildQuery(o, root);
  } catch (e) {
    if (!(e instanceof NetnsError)) throw e;
    io.error('portown: ' + e.message);
    return done(EXIT_USAGE);
  }
  let sources: Sources;
  try {
    sources = sourcesOf(q);
  } catch (e) {
    if (!isFsError(e)) throw e;
    io.error('portown: cannot read ' + ((e as NodeJS.ErrnoException).path || q.root) + ': ' + errnoText(e));
    return done(EXIT_USAGE);
  }
  if (sources.empty) {
    io.error('portown: no process is in network namespace ' + quoteText(o.netns) + ', so /proc shows none of its tables');
    return done(EXIT_NONE);
  }
  const pids = new Set<number>();
  const targets: Targets = { members: null, byAddress: new Map() };
  const json = o.json ? new JsonArrayWriter(io.write) : null;
  // --all streams with the default widths, as netstat does; a selective query's table is fitted to its rows.
  const table = new TableWriter(io.write, {
    threads: o.threads,
    fit: q.mode === 'all' ? 0 : undefined,
    self: sources.self,
    netns: sources.list.some((src) => src.netns !== sources.self),
  });
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
    if (q.root === '/proc') nameContainers(s);
    findForwardTargets(s, q.root, targets);
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
      ? privilegeNote(r.scan, { euid: io.euid, ptrace: io.ptrace, mount: procMount(q.root), groups: io.groups })
      : null;
    if (note) io.error('portown: ' + note);
    if (q.mode === 'pid' && !r.pidFound) io.error('portown: no process ' + q.pid + ' under ' + q.root);
    if (r.netnsUnreadable > 0) io.error('portown: ' + netnsNote(r.netnsUnreadable, io.euid));
    // A port missed here may be in use in a container: say where, once nothing matched.
    if (r.sockets === 0 && q.mode === 'port' && q.netns === null) {
      const where = portElsewhere(q, sources.self);
      if (where.length > 0) io.error('portown: ' + elsewhereNote(q.port, where));
    }
    done(shown > 0 ? EXIT_FOUND : EXIT_NONE);
  };
  try {
    runQuery(q, sink, finish, planScan(scanEnv, q.root, shapeOf(q)), sources);
  } catch (e) {
    if (e instanceof PipeClosed) throw e;
    cannotRead(e);
  }
}

/** Runs the main command with these arguments (argv after the program). */
export function runCommand(args: string[], env: { [k: string]: string | undefined }, io: Io, done: Done): void {
  let o: Options;
  try {
    o = parseArgs(args, env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.error('portown: ' + e.message);
      return done(EXIT_USAGE);
    }
    throw e;
  }
  if (o.action === 'help') {
    io.write(HELP);
    return done(0);
  }
  if (o.action === 'version') {
    io.write('portown ' + __PORTOWN_VERSION__ + '\n');
    return done(0);
  }
  runMain(o, io, env.PORTOWN_SCAN, done);
}

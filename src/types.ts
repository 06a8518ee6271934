// The records the engine hands to formatters. Strings that come from other
// processes (names, command lines, unix paths) stay raw bytes here; every
// formatter escapes them (src/escape.ts) before they reach a terminal.

/** Which tables a query reads: protocols and address families. */
export interface ProtoSet {
  tcp: boolean;
  udp: boolean;
  raw: boolean;
  unix: boolean;
  ipv4: boolean;
  ipv6: boolean;
}

export type InetProto = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'raw' | 'raw6';
export type Proto = InetProto | 'unix';

interface Endpoint {
  /** Text form: dotted quad, or RFC 5952 for IPv6. */
  address: string;
  port: number;
}

export type Runtime = 'docker' | 'containerd' | 'cri-o' | 'kubernetes' | 'podman' | 'lxc' | 'systemd-nspawn' | 'libvirt';

/** The container a process runs in, from its cgroup (proc/cgroup.ts). */
export interface Container {
  runtime: Runtime;
  /** The full id (64 lowercase hex digits), for the runtimes that name containers by id. */
  id?: string;
  /** The name: carried by the cgroup (lxc, nspawn, libvirt), or found in the runtime's state on this host. */
  name?: string;
}

/** A forwarder's target, as its command line names it, and where that address lives. */
export interface ForwardTarget {
  proto: string;
  address: string;
  port: number;
  netns?: string;
  container?: Container | null;
}

export interface ProcInfo {
  pid: number;
  /** comm (at most 15 bytes), raw. */
  name: Buffer;
  /** cmdline, bounded, NULs turned into spaces, raw. Empty for kernel threads. */
  cmdline: Buffer;
  /** Length of argv[0] at the start of cmdline (the bytes before its first NUL). */
  argv0Len: number;
  /** Effective uid from status, or -1 when unreadable. */
  uid: number;
  /** The pid inside the process's own pid namespace (status NSpid, last field), or 0 when unknown. */
  nspid: number;
  /** The container it runs in, null for none known (proc/cgroup.ts). */
  container: Container | null;
  /** Its systemd service (nginx.service), null for none. */
  unit: string | null;
  /**
   * What a port forwarder forwards to (text/forwarder.ts): its target, and
   * the namespace that owns the target address with that namespace's
   * container, when found. Set by the command line once per process: null
   * for a process that is no forwarder, undefined until looked at.
   */
  forward?: ForwardTarget | null;
}

export interface Owner {
  proc: ProcInfo;
  /** Thread id when found through task/<tid>/fd (--threads), else 0. */
  tid: number;
  /** The thread's own comm when tid is set. */
  threadName: Buffer | null;
  /** The lowest fd of this holder that points at the socket. */
  fd: number;
  /** Every such fd, ascending (a socket dup'ed onto 0, 1 and 2 is one holder with three fds). */
  fds: number[];
}

/** What a row of an IP table says, decoded; all netstat prints (it needs no address text). */
export interface InetFields {
  proto: InetProto;
  local: { port: number };
  remote: { port: number };
  /** Raw address bytes (4 or 16), network order: for netstat's printing rules. */
  localBytes: Uint8Array;
  remoteBytes: Uint8Array;
  stateCode: number;
  uid: number;
  /** Decimal text: inode numbers are moving to 64 bits. "0" for TIME_WAIT and request sockets. */
  inode: string;
  txQueue: number;
  rxQueue: number;
  timerActive: number;
  timerWhen: number;
  retransmits: number;
  timeout: number;
}

export interface InetSocket extends InetFields {
  kind: 'inet';
  family: 4 | 6;
  local: Endpoint;
  remote: Endpoint;
  state: string;
  /** The network namespace of the table it came from (proc/netns.ts), or null when the tree does not say. */
  netns: string | null;
  owners: Owner[];
}

export interface UnixSocket {
  kind: 'unix';
  proto: 'unix';
  refCount: number;
  flags: number;
  typeCode: number;
  type: string;
  stateCode: number;
  state: string;
  inode: string;
  /** Bound path (abstract names start with '@'), raw bytes; null when unbound. */
  path: Buffer | null;
  /** As InetSocket.netns. */
  netns: string | null;
  owners: Owner[];
}

/**
 * A socket a process holds that no readable table lists: netlink, packet,
 * or one whose namespace has no process left to read its tables through.
 * --pid lists it rather than drop it.
 */
export interface OtherSocket {
  kind: 'other';
  proto: 'socket';
  inode: string;
  netns: null;
  owners: Owner[];
}

export type SocketRecord = InetSocket | UnixSocket | OtherSocket;

/** Problems met while reading a table: reported once per file, never fatal. */
export interface TableReport {
  path: string;
  missing: boolean;
  rows: number;
  malformed: number;
  firstMalformedLine: number;
  longLines: number;
  firstLongLine: number;
  duplicates: number;
}

/** What the entry (main.ts) hands a command: it never touches process.*, stdout or stderr itself. */
export interface Io {
  /** Buffered write to stdout. */
  write(s: string): void;
  /** Flushes what write() buffered. */
  flush(): void;
  /** One line to stderr (the newline is added). */
  error(line: string): void;
  /** Effective uid of this process. */
  euid: number;
  /** Whether this process has CAP_SYS_PTRACE, when known. */
  ptrace: boolean | null;
  /** Supplementary and effective group ids (for hidepid's gid= exemption). */
  groups: number[];
  /** Schedules fn after ms (for netstat -c). */
  later(ms: number, fn: () => void): void;
  /** Path this program was started as (argv[1]), for messages. */
  argv1: string;
}

/** How a command ends: with this exit code. */
export type Done = (exitCode: number) => void;

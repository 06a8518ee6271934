// netstat's text, byte for byte: net-tools 2.10's formats (the default) and
// BusyBox's (--busybox). Pure: sockets in, lines out; names, users and the
// program column come through a Context so tests can pin them.
import { decimal } from '../text/bytes';
import { escapeBytes } from '../text/escape';
import { formatIPv4, formatIPv6, isV4Mapped, isZero } from '../text/inet';
import { UNIX_FLAG_ACCEPTCON } from '../text/states';
import { InetFields, UnixSocket } from '../types';
import { Names } from './names';

/** printf("%-Ns"): pads on the right, never cuts. */
export function pad(s: string | number, n: number): string {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** printf("%Ns"): pads on the left, never cuts. */
export function lpad(s: string | number, n: number): string {
  s = String(s);
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

export interface Context {
  busybox: boolean;
  numeric: boolean;
  wide: boolean;
  /** -e given (net-tools adds User and Inode). */
  extend: boolean;
  program: boolean;
  timers: boolean;
  all: boolean;
  listening: boolean;
  names: Names;
  /** User name of a uid (only asked with -e and without -n). */
  user: (uid: number) => string;
  /** The PID/Program name text of a socket: '-' when no holder is visible. */
  prog: (s: InetFields | UnixSocket) => string;
}

function modeText(c: Context): string {
  return c.all ? '(servers and established)' : c.listening ? '(only servers)' : '(w/o servers)';
}

/** glibc inet_ntop: RFC 5952, plus "::a.b.c.d" for the old IPv4-compatible form. */
export function ntop6(b: Uint8Array): string {
  if (isZero(b, 12) && (b[12] !== 0 || b[13] !== 0)) return '::' + formatIPv4(b, 12);
  return formatIPv6(b);
}

/** The host part of an endpoint, as each tool prints it. */
export function hostText(b: Uint8Array, c: Context): string {
  if (b.length === 4) {
    if (c.numeric) return formatIPv4(b);
    if (!c.busybox && isZero(b, 4)) return '0.0.0.0';
    return c.names.host(b) || formatIPv4(b);
  }
  if (c.busybox) return c.numeric ? ntop6(b) : c.names.host(b) || ntop6(b);
  // net-tools 2.10 prints an IPv4-mapped address as plain IPv4, named or not.
  if (isV4Mapped(b)) return formatIPv4(b, 12);
  if (c.numeric) return ntop6(b);
  if (isZero(b, 16)) return '[::]';
  return c.names.host(b) || ntop6(b);
}

/**
 * The port part: '*' for 0, else without -n the /etc/services name (for a
 * raw socket, whose "port" is its IP protocol, net-tools names the protocol).
 */
function portText(port: number, proto: string, c: Context): string {
  if (port === 0) return '*';
  if (c.numeric) return decimal(port);
  const name = proto === 'raw' && !c.busybox ? c.names.protocol(port) : c.names.service(port, proto);
  return name || decimal(port);
}

/**
 * net-tools' "addr:port" in 23 columns: without -W, when the two do not fit
 * in 22 characters plus the colon, the port keeps up to 18 characters and the
 * address is cut to what is left (so a long IPv6 address loses its tail).
 */
export function endpointText(b: Uint8Array, port: number, proto: string, c: Context): string {
  const host = hostText(b, c);
  const sport = portText(port, proto, c);
  if (c.busybox || c.wide || host.length + sport.length <= 22) return host + ':' + sport;
  const portLen = Math.min(sport.length, 18);
  return host.slice(0, 22 - portLen) + ':' + sport.slice(0, portLen);
}

function baseProto(s: InetFields): string {
  return s.proto.replace('6', '');
}

// net-tools' tcp_state[]; TCP_NEW_SYN_RECV (12) is never in the tables.
const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];

function stateText(s: InetFields): string {
  const base = baseProto(s);
  if (base === 'tcp') return TCP_STATES[s.stateCode] || '';
  if (base === 'raw') return String(s.stateCode);
  return s.stateCode === 1 ? 'ESTABLISHED' : s.stateCode === 7 ? '' : 'UNKNOWN';
}

function seconds(when: number): string {
  return (when / 100).toFixed(2);
}

/** net-tools' -o column (USER_HZ is 100 on Linux). */
export function timerText(s: InetFields): string {
  const tcp = baseProto(s) === 'tcp';
  // udp_do_one() zeroes the retransmit count before printing.
  const retr = baseProto(s) === 'udp' ? 0 : s.retransmits;
  const tail = '/' + retr + '/' + s.timeout + ')';
  const t = s.timerActive;
  if (t === 0) return 'off (0.00' + tail;
  const v = seconds(s.timerWhen);
  if (tcp) {
    const names = ['', 'on', 'keepalive', 'timewait', 'probe'];
    if (t < names.length) return names[t] + ' (' + v + tail;
  } else if (t === 1 || t === 2) {
    return 'on' + t + ' (' + v + tail;
  }
  return 'unkn-' + t + ' (' + v + tail;
}

/** The lines before the first Internet socket. */
export function inetHeader(c: Context): string {
  let s = 'Active Internet connections ' + modeText(c) + '\n';
  if (c.busybox) {
    const w = c.wide ? 51 : 23;
    return s + 'Proto Recv-Q Send-Q ' + pad('Local Address', w) + ' ' + pad('Foreign Address', w) + ' State       ' +
      (c.program ? 'PID/Program name    ' : '') + '\n';
  }
  s += 'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ';
  if (c.extend) s += ' User       Inode     ';
  if (c.program) s += ' PID/Program name    ';
  if (c.timers) s += ' Timer';
  return s + '\n';
}

/**
 * BusyBox prints a raw socket's state with itoa(), whose static buffer the
 * port numbers printed after it (itoa again) overwrite: the column shows the
 * last port printed as a number (remote, else local), else the state.
 */
function busyboxRawState(s: InetFields, c: Context): string {
  const numbered = (port: number) => port !== 0 && (c.numeric || c.names.service(port, 'raw') === null);
  if (numbered(s.remote.port)) return String(s.remote.port);
  if (numbered(s.local.port)) return String(s.local.port);
  return String(s.stateCode);
}

export function inetLine(s: InetFields, c: Context): string {
  const proto = baseProto(s);
  const local = endpointText(s.localBytes, s.local.port, proto, c);
  const remote = endpointText(s.remoteBytes, s.remote.port, proto, c);
  if (c.busybox) {
    const w = c.wide ? 51 : 23;
    return proto + '   ' + lpad(s.rxQueue, 6) + ' ' + lpad(s.txQueue, 6) + ' ' + pad(local, w) + ' ' + pad(remote, w) + ' ' +
      pad(proto === 'raw' ? busyboxRawState(s, c) : stateText(s), 12) + (c.program ? c.prog(s).slice(0, 20) : '') + '\n';
  }
  const head = proto === 'udp' ? pad(s.proto, 5) + ' ' : pad(s.proto, 4) + '  ';
  let line = head + lpad(s.rxQueue, 6) + ' ' + lpad(s.txQueue, 6) + ' ' + pad(local, 23) + ' ' + pad(remote, 23) + ' ' + pad(stateText(s), 11);
  if (c.extend) line += ' ' + pad(c.numeric ? String(s.uid) : c.user(s.uid), 10) + ' ' + pad(s.inode, 10);
  if (c.program) line += ' ' + pad(c.prog(s), 20);
  if (c.timers) line += ' ' + timerText(s);
  return line + '\n';
}

export function unixHeader(c: Context): string {
  const s = 'Active UNIX domain sockets ' + modeText(c) + '\n';
  if (c.busybox) return s + 'Proto RefCnt Flags       Type       State         I-Node ' + (c.program ? 'PID/Program name    ' : '') + 'Path\n';
  return s + 'Proto RefCnt Flags       Type       State         I-Node  ' + (c.program ? ' PID/Program name    ' : '') + ' Path\n';
}

const UNIX_TYPES = ['UNKNOWN', 'STREAM', 'DGRAM', 'RAW', 'RDM', 'SEQPACKET'];

function unixStateText(s: UnixSocket): string {
  switch (s.stateCode) {
    case 0: return 'FREE';
    case 1: return s.flags & UNIX_FLAG_ACCEPTCON ? 'LISTENING' : '';
    case 2: return 'CONNECTING';
    case 3: return 'CONNECTED';
    case 4: return 'DISCONNECTING';
    default: return 'UNKNOWN';
  }
}

function unixFlagsText(f: number): string {
  return '[ ' + (f & 0x10000 ? 'ACC ' : '') + (f & 0x20000 ? 'W ' : '') + (f & 0x40000 ? 'N ' : '') + ']';
}

/**
 * The path as each tool reads it: net-tools takes the first blank-free word
 * (sscanf "%s"); BusyBox the rest of the line, control bytes as ^X. Both are
 * escaped like every untrusted string (src/escape.ts) beyond that.
 */
export function unixPathText(path: Buffer | null, busybox: boolean): string {
  if (!path) return '';
  if (!busybox) {
    let e = 0;
    while (e < path.length && !(path[e] === 0x20 || (path[e] >= 0x09 && path[e] <= 0x0d))) e++;
    return escapeBytes(path, 0, e);
  }
  let s = '';
  let from = 0;
  for (let i = 0; i <= path.length; i++) {
    const ch = i < path.length ? path[i] : -1;
    if (ch !== -1 && ch >= 0x20 && ch !== 0x7f) continue;
    s += escapeBytes(path, from, i);
    if (ch !== -1) s += ch === 0x7f ? '^?' : '^' + String.fromCharCode(ch | 0x40);
    from = i + 1;
  }
  return s;
}

export function unixLine(s: UnixSocket, c: Context): string {
  const type = UNIX_TYPES[s.typeCode] || 'UNKNOWN';
  const head = 'unix  ' + pad(s.refCount, 6) + ' ' + pad(unixFlagsText(s.flags), 11) + ' ' + pad(type, 10) + ' ' + pad(unixStateText(s), 13) + ' ';
  const path = unixPathText(s.path, c.busybox);
  if (c.busybox) return head + lpad(s.inode, 6) + ' ' + (c.program ? pad(c.prog(s), 20) : '') + path + '\n';
  return head + pad(s.inode, 8) + (c.program ? ' ' + pad(c.prog(s), 20) : '') + ' ' + path + '\n';
}

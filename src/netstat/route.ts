// /proc/net/route, streamed, and netstat -r's two formats (net-tools, BusyBox).
//
//   Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
//   eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
//
// Addresses are 32-bit words printed with %08X as the CPU holds them, so they
// decode like the socket tables (src/inet.ts), in the writer's byte order.
// Columns are found by the header's names, as net-tools does, with the
// kernel's order as the fallback when a file has no header.
import { fieldEnd, hexDigit, parseDec, parseHex, skipBlanks, ascii } from '../text/bytes';
import { ByteOrder } from '../text/endian';
import { decodeAddress, formatIPv4 } from '../text/inet';
import { countMalformed, newTableReport, readTable } from '../proc/table';
import { TableReport } from '../types';
import { lpad, pad } from './format';
import { Names } from './names';

export interface Route {
  iface: string;
  destination: Uint8Array;
  gateway: Uint8Array;
  mask: Uint8Array;
  flags: number;
  refCnt: number;
  use: number;
  metric: number;
  mtu: number;
  window: number;
  irtt: number;
}

export const RTF_UP = 0x0001;
export const RTF_GATEWAY = 0x0002;
export const RTF_HOST = 0x0004;
const RTF_REINSTATE = 0x0008;
const RTF_DYNAMIC = 0x0010;
const RTF_MODIFIED = 0x0020;
const RTF_MTU = 0x0040;
const RTF_WINDOW = 0x0080;
const RTF_IRTT = 0x0100;
export const RTF_REJECT = 0x0200;

const COLUMNS = ['Iface', 'Destination', 'Gateway', 'Flags', 'RefCnt', 'Use', 'Metric', 'Mask', 'MTU', 'Window', 'IRTT'];
const IFACE = 0, DEST = 1, GW = 2, FLAGS = 3, REFCNT = 4, USE = 5, METRIC = 6, MASK = 7, MTU = 8, WINDOW = 9, IRTT = 10;

/** Column positions of one file (field index of each named column). */
type RouteLayout = number[];

export function defaultLayout(): RouteLayout {
  return COLUMNS.map((_c, i) => i);
}

/** Reads the header line into a layout; null when the line is not a header. */
export function parseRouteHeader(buf: Uint8Array, start: number, end: number): RouteLayout | null {
  const names: string[] = [];
  let i = skipBlanks(buf, start, end);
  while (i < end) {
    const e = fieldEnd(buf, i, end);
    names.push(ascii(buf, i, e));
    i = skipBlanks(buf, e, end);
  }
  if (names[0] !== 'Iface') return null;
  const layout = COLUMNS.map((c) => names.indexOf(c));
  // The columns printing needs must all be there.
  for (const k of [IFACE, DEST, GW, FLAGS, MASK]) if (layout[k] < 0) return null;
  return layout;
}

function isHex8(buf: Uint8Array, i: number, e: number): boolean {
  if (e - i !== 8) return false;
  for (let k = i; k < e; k++) if (hexDigit(buf[k]) < 0) return false;
  return true;
}

const starts: number[] = [];
const ends: number[] = [];

/** Parses one data line; null when malformed. */
export function parseRouteLine(buf: Uint8Array, start: number, end: number, layout: RouteLayout, order: ByteOrder): Route | null {
  starts.length = 0;
  ends.length = 0;
  let i = skipBlanks(buf, start, end);
  while (i < end && starts.length < 32) {
    const e = fieldEnd(buf, i, end);
    starts.push(i);
    ends.push(e);
    i = skipBlanks(buf, e, end);
  }
  const field = (k: number) => layout[k];
  for (const k of [IFACE, DEST, GW, FLAGS, MASK]) if (field(k) >= starts.length) return null;
  const addr = (k: number): Uint8Array | null => {
    const f = field(k);
    if (!isHex8(buf, starts[f], ends[f])) return null;
    const out = new Uint8Array(4);
    decodeAddress(buf, starts[f], 1, order, out);
    return out;
  };
  const num = (k: number, hex: boolean): number => {
    const f = field(k);
    if (f < 0 || f >= starts.length) return 0;
    const neg = buf[starts[f]] === 0x2d;
    const v = hex ? parseHex(buf, starts[f], ends[f]) : parseDec(buf, neg ? starts[f] + 1 : starts[f], ends[f]);
    return v < 0 ? NaN : neg ? -v : v;
  };
  const destination = addr(DEST), gateway = addr(GW), mask = addr(MASK);
  if (!destination || !gateway || !mask) return null;
  const r: Route = {
    iface: ascii(buf, starts[field(IFACE)], ends[field(IFACE)]),
    destination, gateway, mask,
    flags: num(FLAGS, true), refCnt: num(REFCNT, false), use: num(USE, false), metric: num(METRIC, false),
    mtu: num(MTU, false), window: num(WINDOW, false), irtt: num(IRTT, false),
  };
  if ([r.flags, r.refCnt, r.use, r.metric, r.mtu, r.window, r.irtt].some((v) => v !== v)) return null;
  return r;
}

/**
 * Streams <root>/net/route, handing each route to onRoute in file order.
 * A missing file sets report.missing; other errors are thrown.
 */
export function scanRoutes(root: string, order: ByteOrder, onRoute: (r: Route) => void): TableReport {
  const report = newTableReport(root + '/net/route');
  let layout: RouteLayout | null = null;
  readTable(report, (buf, start, end, lineNo) => {
    if (skipBlanks(buf, start, end) === end) return;
    if (layout === null) {
      layout = parseRouteHeader(buf, start, end);
      if (layout !== null) return;
      layout = defaultLayout();
    }
    const r = parseRouteLine(buf, start, end, layout, order);
    if (!r) return countMalformed(report, lineNo);
    report.rows++;
    onRoute(r);
  });
  return report;
}

function isZero4(b: Uint8Array): boolean {
  return b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0;
}

interface RouteStyle {
  busybox: boolean;
  numeric: boolean;
  /** How many -e were given. */
  extend: number;
}

/** net-tools' ext level: netstat -r prints level 2, -re level 1, -ree level 3. */
function netToolsExt(extend: number): number {
  return extend === 0 ? 2 : extend === 1 ? 1 : extend + 1;
}

export function routeHeader(st: RouteStyle): string {
  const head = 'Kernel IP routing table\nDestination     Gateway         Genmask         ';
  if (st.busybox) return head + 'Flags ' + (st.extend ? 'Metric Ref    Use' : '  MSS Window  irtt') + ' Iface\n';
  const ext = netToolsExt(st.extend);
  if (ext === 1) return head + 'Flags Metric Ref    Use Iface\n';
  if (ext === 2) return head + 'Flags   MSS Window  irtt Iface\n';
  return head + 'Flags Metric Ref    Use Iface    MSS   Window irtt\n';
}

/** net-tools' flag letters, in its order; '!' (reject) replaces what came before. */
function netToolsFlags(f: number): string {
  let s = '';
  if (f & RTF_UP) s += 'U';
  if (f & RTF_GATEWAY) s += 'G';
  if (f & RTF_REJECT) s = '!';
  if (f & RTF_HOST) s += 'H';
  if (f & RTF_REINSTATE) s += 'R';
  if (f & RTF_DYNAMIC) s += 'D';
  if (f & RTF_MODIFIED) s += 'M';
  if (f & RTF_MTU) s += 'u';
  if (f & RTF_WINDOW) s += 'w';
  if (f & RTF_IRTT) s += 'i';
  return s;
}

/** BusyBox's: U G H R D M, and '!' in the first place for a reject route. */
function busyboxFlags(f: number): string {
  let s = '';
  const letters = 'UGHRDM';
  for (let i = 0; i < letters.length; i++) if (f & (1 << i)) s += letters[i];
  if (f & RTF_REJECT) s = '!' + s.slice(1);
  return s;
}

/**
 * Text of a route address without -n: destination 0 is "default"; a zero
 * gateway is "0.0.0.0" (net-tools 2.10) or "*" (BusyBox); hosts come from
 * /etc/hosts, networks from /etc/networks; else the dotted quad.
 */
function routeName(b: Uint8Array, isDest: boolean, host: boolean, st: RouteStyle, names: Names): string {
  if (st.numeric) return formatIPv4(b);
  if (isZero4(b)) return isDest ? 'default' : st.busybox ? '*' : '0.0.0.0';
  const n = host ? names.host(b) : names.network(b) || names.host(b);
  return n === null ? formatIPv4(b) : n;
}

export function routeLine(r: Route, st: RouteStyle, names: Names): string {
  // Skip routes that are not up, as both tools do.
  if (!(r.flags & RTF_UP)) return '';
  const dest = routeName(r.destination, true, (r.flags & RTF_HOST) !== 0, st, names);
  const gw = routeName(r.gateway, false, true, st, names);
  const mask = formatIPv4(r.mask);
  if (st.busybox) {
    const head = pad(dest.slice(0, 15), 15) + ' ' + pad(gw.slice(0, 15), 15) + ' ' + pad(mask, 16) + pad(busyboxFlags(r.flags), 6);
    return head + (st.extend
      ? pad(r.metric, 6) + ' ' + pad(r.refCnt, 2) + ' ' + lpad(r.use, 7) + ' ' + r.iface + '\n'
      : lpad(r.mtu, 5) + ' ' + pad(r.window, 5) + ' ' + lpad(r.irtt, 6) + ' ' + r.iface + '\n');
  }
  const d15 = pad(dest.slice(0, 15), 15);
  const g15 = pad(gw.slice(0, 15), 15);
  const m15 = pad(mask, 15);
  const flags = pad(netToolsFlags(r.flags), 5);
  const reject = (r.flags & RTF_REJECT) !== 0;
  const ext = netToolsExt(st.extend);
  if (ext === 1) {
    return reject
      ? d15 + ' -               ' + m15 + ' ' + flags + ' ' + pad(r.metric, 6) + ' -  ' + lpad(r.use, 7) + ' -\n'
      : d15 + ' ' + g15 + ' ' + m15 + ' ' + flags + ' ' + pad(r.metric, 6) + ' ' + pad(r.refCnt, 2) + ' ' + lpad(r.use, 7) + ' ' + r.iface + '\n';
  }
  if (ext === 2) {
    return reject
      ? d15 + ' -               ' + m15 + ' ' + flags + '     - -          - -\n'
      : d15 + ' ' + g15 + ' ' + m15 + ' ' + flags + ' ' + lpad(r.mtu, 5) + ' ' + pad(r.window, 5) + ' ' + lpad(r.irtt, 6) + ' ' + r.iface + '\n';
  }
  return reject
    ? d15 + ' -               ' + m15 + ' ' + flags + ' ' + pad(r.metric, 6) + ' -  ' + lpad(r.use, 7) + ' -        -     -      -\n'
    : d15 + ' ' + g15 + ' ' + m15 + ' ' + flags + ' ' + pad(r.metric, 6) + ' ' + pad(r.refCnt, 3) + ' ' + lpad(r.use, 6) + ' ' +
      pad(r.iface.slice(0, 6), 6) + '   ' + pad(r.mtu, 5) + ' ' + pad(r.window, 6) + ' ' + r.irtt + '\n';
}

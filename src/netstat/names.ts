// Names for netstat without -n, from local files only: /etc/hosts for
// addresses, /etc/services for ports, /etc/protocols for the protocol number
// a raw socket shows in its port column, /etc/networks for route destinations.
// No DNS is ever asked (net-tools would ask it through the resolver).
// Each file is read once, when the first name is wanted.
import fs = require('fs');
import { formatIPv4, formatIPv6 } from '../text/inet';

type FileReader = (path: string) => string | null;

const readText: FileReader = (path) => {
  try {
    return fs.readFileSync(path, 'latin1');
  } catch (e) {
    return null;
  }
};

/** Parses IPv4 dotted-quad text into 4 bytes; null when it is not one. */
export function parseIPv4(s: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const v = +m[i + 1];
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/** Parses IPv6 text (with "::" and a trailing dotted quad) into 16 bytes; null when invalid. */
export function parseIPv6(s: string): Uint8Array | null {
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (i === fields.length - 1 && f.indexOf('.') >= 0) {
        const v4 = parseIPv4(f);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return null;
      out.push(parseInt(f, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = head.concat(new Array(halves.length === 2 ? missing : 0).fill(0), tail);
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = all[i] >> 8;
    out[i * 2 + 1] = all[i] & 0xff;
  }
  return out;
}

function addressKey(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}

/** Lines of a config file without comments, split on blanks; empty lines dropped. */
function fields(text: string): string[][] {
  const out: string[][] = [];
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = hash >= 0 ? raw.slice(0, hash) : raw;
    const f = line.split(/[ \t\r]+/).filter((x) => x !== '');
    if (f.length) out.push(f);
  }
  return out;
}

/** address text (normalised) -> first name, as the files backend of gethostbyaddr answers. */
export function parseHosts(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of fields(text)) {
    if (f.length < 2) continue;
    const b = f[0].indexOf(':') >= 0 ? parseIPv6(f[0]) : parseIPv4(f[0]);
    if (!b) continue;
    const k = addressKey(b);
    if (!m.has(k)) m.set(k, f[1]);
  }
  return m;
}

/** "port/proto" -> first service name. */
export function parseServices(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of fields(text)) {
    if (f.length < 2) continue;
    const pp = /^(\d+)\/([a-z0-9]+)$/i.exec(f[1]);
    if (!pp) continue;
    const k = (+pp[1]) + '/' + pp[2].toLowerCase();
    if (!m.has(k)) m.set(k, f[0]);
  }
  return m;
}

/** protocol number -> first name ("1" -> "icmp"). */
export function parseProtocols(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const f of fields(text)) {
    if (f.length < 2 || !/^\d+$/.test(f[1])) continue;
    if (!m.has(+f[1])) m.set(+f[1], f[0]);
  }
  return m;
}

/**
 * Network number (as inet_network reads "a.b.c.d", "a.b.c" or "a.b") -> name.
 * The key is the number in host order, as getnetbyaddr takes it.
 */
export function parseNetworks(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const f of fields(text)) {
    if (f.length < 2) continue;
    const parts = f[1].split('.');
    if (parts.length > 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || +p > 255)) continue;
    let v = 0;
    for (const p of parts) v = v * 256 + +p;
    if (!m.has(v)) m.set(v, f[0]);
  }
  return m;
}

/** Lazily loaded lookups over the three files. */
export class Names {
  private hosts: Map<string, string> | null = null;
  private services: Map<string, string> | null = null;
  private networks: Map<number, string> | null = null;
  private protocols: Map<number, string> | null = null;

  constructor(private read: FileReader = readText, private etc: string = '/etc') {}

  /** The /etc/hosts name of an address (4 or 16 bytes), or null. */
  host(b: Uint8Array): string | null {
    if (!this.hosts) this.hosts = parseHosts(this.read(this.etc + '/hosts') || '');
    const n = this.hosts.get(addressKey(b));
    return n === undefined ? null : n;
  }

  /** The /etc/services name of a port for tcp, udp or raw, or null. */
  service(port: number, proto: string): string | null {
    if (!this.services) this.services = parseServices(this.read(this.etc + '/services') || '');
    const n = this.services.get(port + '/' + proto);
    return n === undefined ? null : n;
  }

  /** The /etc/protocols name of a protocol number, or null. */
  protocol(n: number): string | null {
    if (!this.protocols) this.protocols = parseProtocols(this.read(this.etc + '/protocols') || '');
    const v = this.protocols.get(n);
    return v === undefined ? null : v;
  }

  /** The /etc/networks name of a network (4 bytes, network order), or null. */
  network(b: Uint8Array): string | null {
    if (!this.networks) this.networks = parseNetworks(this.read(this.etc + '/networks') || '');
    const v = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
    const n = this.networks.get(v);
    return n === undefined ? null : n;
  }
}

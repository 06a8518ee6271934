// Command-line parsing for the main command. Pure: takes argv and the
// environment, returns options or throws UsageError with the one line to print.
import { ByteOrder, parseByteOrder } from '../text/endian';
import { ProtoSet } from '../types';
import { quoteText } from '../text/escape';

export class UsageError extends Error {}

export interface Options extends ProtoSet {
  action: 'query' | 'help' | 'version';
  /** 0 when no PORT was given. */
  port: number;
  /** PORT/tcp or PORT/udp narrows the protocol. */
  portProto: 'tcp' | 'udp' | '';
  remote: boolean;
  /** 0 when no --pid. */
  pid: number;
  all: boolean;
  listening: boolean;
  json: boolean;
  pids: boolean;
  threads: boolean;
  proc: string;
  byteOrder: ByteOrder | null;
}

export const PID_MAX = 4194304; // PID_MAX_LIMIT on 64-bit kernels

const quote = quoteText;

/** "22", "22/tcp", "22/udp". */
export function parsePortSpec(s: string): { port: number; proto: 'tcp' | 'udp' | '' } {
  const m = /^([0-9]+)(?:\/([A-Za-z0-9]*))?$/.exec(s);
  if (!m) throw new UsageError('Expected a port between 1 and 65535 (PORT, PORT/tcp or PORT/udp), got ' + quote(s));
  const port = m[1].length > 6 ? Infinity : +m[1];
  if (!(port >= 1 && port <= 65535)) throw new UsageError('Expected a port between 1 and 65535, got ' + (m[1].length > 20 ? quote(m[1].slice(0, 20) + '...') : m[1]));
  const proto = (m[2] === undefined ? '' : m[2].toLowerCase()) as string;
  if (m[2] !== undefined && proto !== 'tcp' && proto !== 'udp') {
    throw new UsageError('Expected PORT/tcp or PORT/udp, got ' + quote(s));
  }
  return { port, proto: proto as 'tcp' | 'udp' | '' };
}

export function parsePid(s: string): number {
  const n = /^[0-9]{1,8}$/.test(s) ? +s : NaN;
  if (!(n >= 1 && n <= PID_MAX)) throw new UsageError('Expected a PID between 1 and ' + PID_MAX + ', got ' + quote(s));
  return n;
}

const VALUE_NAMES: { [k: string]: string } = {
  '--pid': 'a PID',
  '--proc': 'a directory',
  '--byte-order': 'le or be',
};

export function defaultOptions(): Options {
  return {
    action: 'query', port: 0, portProto: '', remote: false, pid: 0, all: false, listening: false,
    json: false, pids: false, threads: false, proc: '/proc', byteOrder: null,
    tcp: false, udp: false, raw: false, unix: false, v4: false, v6: false,
  };
}

const SHORT_FLAGS: { [c: string]: string } = {
  h: '--help', V: '--version', a: '--all', l: '--listening', j: '--json', t: '--tcp', u: '--udp',
  w: '--raw', x: '--unix', '4': '--ipv4', '6': '--ipv6', p: '--pid',
};

export function parseArgs(argv: string[], env: { [k: string]: string | undefined }): Options {
  const o = defaultOptions();
  let procSet = false;
  let portSeen = '';
  const positional: string[] = [];
  const setValue = (name: string, value: string | undefined) => {
    if (value === undefined) throw new UsageError('Option ' + name + ' expects ' + VALUE_NAMES[name] + ', got nothing');
    switch (name) {
      case '--pid':
        o.pid = parsePid(value);
        break;
      case '--proc':
        if (value === '') throw new UsageError('Option --proc expects a directory, got ""');
        o.proc = value;
        procSet = true;
        break;
      case '--byte-order': {
        const b = parseByteOrder(value);
        if (!b) throw new UsageError('Option --byte-order expects le or be, got ' + quote(value));
        o.byteOrder = b;
        break;
      }
    }
  };
  const setFlag = (name: string): boolean => {
    switch (name) {
      case '--help': o.action = 'help'; return true;
      case '--version': o.action = 'version'; return true;
      case '--all': o.all = true; return true;
      case '--listening': o.listening = true; return true;
      case '--json': o.json = true; return true;
      case '--pids': o.pids = true; return true;
      case '--remote': o.remote = true; return true;
      case '--threads': o.threads = true; return true;
      case '--tcp': o.tcp = true; return true;
      case '--udp': o.udp = true; return true;
      case '--raw': o.raw = true; return true;
      case '--unix': o.unix = true; return true;
      case '--ipv4': o.v4 = true; return true;
      case '--ipv6': o.v6 = true; return true;
    }
    return false;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.length > 2 && a[0] === '-' && a[1] === '-') {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (name in VALUE_NAMES) {
        setValue(name, eq > 0 ? a.slice(eq + 1) : argv[++i]);
        continue;
      }
      if (eq < 0 && setFlag(name)) continue;
      if (eq > 0 && setFlag(name)) throw new UsageError('Option ' + name + ' takes no value, got ' + quote(a));
      throw new UsageError('Unknown option ' + quote(a) + '; see portown --help');
    }
    if (a.length > 1 && a[0] === '-' && (a === '-4' || a === '-6' || !/^-[0-9]+$/.test(a))) {
      for (let k = 1; k < a.length; k++) {
        const long = SHORT_FLAGS[a[k]];
        if (!long) throw new UsageError('Unknown option ' + quote('-' + a[k]) + (a.length > 2 ? ' in ' + quote(a) : '') + '; see portown --help');
        if (long in VALUE_NAMES) {
          const rest = a.slice(k + 1);
          setValue(long, rest !== '' ? rest : argv[++i]);
          break;
        }
        setFlag(long);
      }
      continue;
    }
    positional.push(a);
  }
  for (const p of positional) {
    if (portSeen) throw new UsageError('Expected one PORT, got a second one: ' + quote(p) + ' after ' + quote(portSeen));
    const spec = parsePortSpec(p);
    o.port = spec.port;
    o.portProto = spec.proto;
    portSeen = p;
  }
  if (!procSet && env.PROC_ROOT) o.proc = env.PROC_ROOT;
  if (o.remote && !o.port) throw new UsageError('Option --remote needs a PORT to match, got none');
  return o;
}

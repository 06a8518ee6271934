// Option parsing for netstat mode. Pure: argv and the environment in,
// options out, or a UsageError with the one line to print (exit 2).
//
// Accepted: net-tools' short options alone or combined (-ntpa, -tulpn),
// their long forms, and portown's own --busybox, --proc DIR, --byte-order.
import { quoteText } from '../text/escape';
import { UsageError } from '../cli/args';
import { ByteOrder, parseByteOrder } from '../text/endian';
import { ProtoSet } from '../query/query';

export type Style = 'net-tools' | 'busybox';

export interface NetstatOptions {
  action: 'list' | 'route' | 'help' | 'version';
  style: Style;
  all: boolean;
  listening: boolean;
  numeric: boolean;
  tcp: boolean;
  udp: boolean;
  raw: boolean;
  unix: boolean;
  /** -4 / -6: only this family (both false: both families). */
  inet: boolean;
  inet6: boolean;
  program: boolean;
  /** How many times -e was given (-ee is route's third format). */
  extend: number;
  wide: boolean;
  timers: boolean;
  continuous: boolean;
  proc: string;
  byteOrder: ByteOrder | null;
}

/** Environment variable a wrapper sets to get BusyBox's output format. */
export const STYLE_ENV = 'PORTOWN_NETSTAT_STYLE';

const SHORT: { [c: string]: string } = {
  a: '--all', l: '--listening', n: '--numeric', t: '--tcp', u: '--udp', w: '--raw', x: '--unix',
  p: '--program', e: '--extend', W: '--wide', T: '--wide', o: '--timers', c: '--continuous',
  r: '--route', h: '--help', V: '--version', v: '--verbose', '4': '--inet', '6': '--inet6',
};

// Long forms; net-tools spells -p "--programs", so both are taken.
const ALIASES: { [k: string]: string } = { '--programs': '--program', '--notrim': '--wide' };

const SUPPORTED = '-a -l -n -t -u -w -x -p -e -W -o -c -r (alone or combined, e.g. -ntpa) or their long forms';

const quote = quoteText;

export function defaultNetstatOptions(): NetstatOptions {
  return {
    action: 'list', style: 'net-tools', all: false, listening: false, numeric: false,
    tcp: false, udp: false, raw: false, unix: false, inet: false, inet6: false,
    program: false, extend: 0, wide: false, timers: false, continuous: false,
    proc: '/proc', byteOrder: null,
  };
}

function setFlag(o: NetstatOptions, name: string): boolean {
  switch (name) {
    case '--all': o.all = true; return true;
    case '--listening': o.listening = true; return true;
    case '--numeric': o.numeric = true; return true;
    case '--tcp': o.tcp = true; return true;
    case '--udp': o.udp = true; return true;
    case '--raw': o.raw = true; return true;
    case '--unix': o.unix = true; return true;
    case '--program': o.program = true; return true;
    case '--extend': o.extend++; return true;
    case '--wide': o.wide = true; return true;
    case '--timers': o.timers = true; return true;
    case '--continuous': o.continuous = true; return true;
    case '--route': if (o.action === 'list') o.action = 'route'; return true;
    case '--help': o.action = 'help'; return true;
    case '--version': if (o.action !== 'help') o.action = 'version'; return true;
    case '--verbose': return true; // net-tools: only affects missing-protocol notes
    case '--inet': o.inet = true; return true;
    case '--inet6': o.inet6 = true; return true;
    case '--busybox': o.style = 'busybox'; return true;
  }
  return false;
}

const VALUE_OPTIONS: { [k: string]: string } = { '--proc': 'a directory', '--byte-order': 'le or be' };

function setValue(o: NetstatOptions, name: string, value: string | undefined) {
  if (value === undefined) throw new UsageError('Option ' + name + ' expects ' + VALUE_OPTIONS[name] + ', got nothing');
  if (name === '--proc') {
    if (value === '') throw new UsageError('Option --proc expects a directory, got ""');
    o.proc = value;
    return;
  }
  const b = parseByteOrder(value);
  if (!b) throw new UsageError('Option --byte-order expects le or be, got ' + quote(value));
  o.byteOrder = b;
}

export function parseNetstatArgs(argv: string[], env: { [k: string]: string | undefined }): NetstatOptions {
  const o = defaultNetstatOptions();
  const style = env[STYLE_ENV];
  if (style !== undefined && style !== '') {
    if (style === 'busybox') o.style = 'busybox';
    else if (style !== 'net-tools') throw new UsageError(STYLE_ENV + ' expects busybox or net-tools, got ' + quote(style));
  }
  let procSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.length > 2 && a[0] === '-' && a[1] === '-') {
      const eq = a.indexOf('=');
      let name = eq > 0 ? a.slice(0, eq) : a;
      name = ALIASES[name] || name;
      if (name in VALUE_OPTIONS) {
        setValue(o, name, eq > 0 ? a.slice(eq + 1) : argv[++i]);
        if (name === '--proc') procSet = true;
        continue;
      }
      if (eq > 0 && setFlag(defaultNetstatOptions(), name)) throw new UsageError('Option ' + name + ' takes no value, got ' + quote(a));
      if (eq < 0 && setFlag(o, name)) continue;
      throw new UsageError('unsupported option ' + quote(a) + '; expected ' + SUPPORTED);
    }
    if (a.length > 1 && a[0] === '-' && a !== '--') {
      for (let k = 1; k < a.length; k++) {
        const long = SHORT[a[k]];
        if (!long) {
          throw new UsageError('unsupported option ' + quote('-' + a[k]) + (a.length > 2 ? ' in ' + quote(a) : '') + '; expected ' + SUPPORTED);
        }
        setFlag(o, long);
      }
      continue;
    }
    throw new UsageError('unexpected argument ' + quote(a) + '; expected options only (' + SUPPORTED + ')');
  }
  if (!procSet && env.PROC_ROOT) o.proc = env.PROC_ROOT;
  if (o.style === 'busybox' && o.timers) {
    throw new UsageError('option -o (--timers) is not in BusyBox\'s netstat; drop it or leave BusyBox style');
  }
  return o;
}

/** The tables a listing reads, after net-tools' defaults (no protocol flag: all of them). */
export function selection(o: NetstatOptions): ProtoSet {
  const any = o.tcp || o.udp || o.raw || o.unix;
  const family = o.inet || o.inet6;
  if (!any) {
    // net-tools: -4/-6 alone means every inet protocol and no unix sockets.
    return { tcp: true, udp: true, raw: true, unix: !family, v4: !family || o.inet, v6: !family || o.inet6 };
  }
  return { tcp: o.tcp, udp: o.udp, raw: o.raw, unix: o.unix, v4: !family || o.inet, v6: !family || o.inet6 };
}

// Option parsing for netstat mode. Pure: argv and the environment in,
// options out, or a UsageError with the one line to print (exit 2).
//
// Accepted: net-tools' short options alone or combined (-ntpa, -tulpn),
// their long forms, and portown's own --busybox, --proc DIR, --byte-order.
import { quoteText } from '../text/escape';
import { counter, flag, makeParser, OptionSpec, UsageError } from '../text/argv';
import { ByteOrder } from '../text/endian';
import { treeOptions } from '../text/tree_options';
import { ProtoSet } from '../types';

type Style = 'net-tools' | 'busybox';

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
  ipv4: boolean;
  ipv6: boolean;
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
const STYLE_ENV = 'PORTOWN_NETSTAT_STYLE';

const SUPPORTED = '-a -l -n -t -u -w -x -p -e -W -o -c -r (alone or combined, e.g. -ntpa) or their long forms';

const quote = quoteText;

function defaultNetstatOptions(): NetstatOptions {
  return {
    action: 'list', style: 'net-tools', all: false, listening: false, numeric: false,
    tcp: false, udp: false, raw: false, unix: false, ipv4: false, ipv6: false,
    program: false, extend: 0, wide: false, timers: false, continuous: false,
    proc: '/proc', byteOrder: null,
  };
}

// Long forms as net-tools spells them; it also takes --programs for -p and --notrim for -W.
const OPTIONS: OptionSpec<NetstatOptions>[] = [
  { long: '--all', short: 'a', set: flag('all') },
  { long: '--listening', short: 'l', set: flag('listening') },
  { long: '--numeric', short: 'n', set: flag('numeric') },
  { long: '--tcp', short: 't', set: flag('tcp') },
  { long: '--udp', short: 'u', set: flag('udp') },
  { long: '--raw', short: 'w', set: flag('raw') },
  { long: '--unix', short: 'x', set: flag('unix') },
  { long: '--program', short: 'p', aliases: ['--programs'], set: flag('program') },
  { long: '--extend', short: 'e', set: counter('extend') },
  { long: '--wide', short: 'WT', aliases: ['--notrim'], set: flag('wide') },
  { long: '--timers', short: 'o', set: flag('timers') },
  { long: '--continuous', short: 'c', set: flag('continuous') },
  { long: '--route', short: 'r', set: (o) => { if (o.action === 'list') o.action = 'route'; } },
  { long: '--help', short: 'h', set: (o) => { o.action = 'help'; } },
  { long: '--version', short: 'V', set: (o) => { if (o.action !== 'help') o.action = 'version'; } },
  // net-tools: -v only affects the notes on missing protocols.
  { long: '--verbose', short: 'v', set: () => undefined },
  { long: '--inet', short: '4', set: flag('ipv4') },
  { long: '--inet6', short: '6', set: flag('ipv6') },
  { long: '--busybox', set: (o) => { o.style = 'busybox'; } },
  ...treeOptions<NetstatOptions>(),
];

// No operands, so "--" ends nothing (it is refused like any operand) and "-1" is an unknown option letter.
const parse = makeParser<NetstatOptions>({
  options: OPTIONS,
  unknown: (shown) => 'unsupported option ' + shown + '; expected ' + SUPPORTED,
  dashDashEndsOptions: false,
  dashDigitsArePositional: false,
  positional: (shown) => 'unexpected argument ' + shown + '; expected options only (' + SUPPORTED + ')',
});

export function parseNetstatArgs(argv: string[], env: { [k: string]: string | undefined }): NetstatOptions {
  const o = defaultNetstatOptions();
  const style = env[STYLE_ENV];
  if (style !== undefined && style !== '') {
    if (style === 'busybox') o.style = 'busybox';
    else if (style !== 'net-tools') throw new UsageError(STYLE_ENV + ' expects busybox or net-tools, got ' + quote(style));
  }
  // PROC_ROOT stands in for /proc as the default, so a --proc still wins.
  if (env.PROC_ROOT) o.proc = env.PROC_ROOT;
  parse(argv, o);
  if (o.style === 'busybox' && o.timers) {
    throw new UsageError('option -o (--timers) is not in BusyBox\'s netstat; drop it or leave BusyBox style');
  }
  return o;
}

/** The tables a listing reads, after net-tools' defaults (no protocol flag: all of them). */
export function protoSetOf(o: NetstatOptions): ProtoSet {
  const any = o.tcp || o.udp || o.raw || o.unix;
  const family = o.ipv4 || o.ipv6;
  if (!any) {
    // net-tools: -4/-6 alone means every inet protocol and no unix sockets.
    return { tcp: true, udp: true, raw: true, unix: !family, ipv4: !family || o.ipv4, ipv6: !family || o.ipv6 };
  }
  return { tcp: o.tcp, udp: o.udp, raw: o.raw, unix: o.unix, ipv4: !family || o.ipv4, ipv6: !family || o.ipv6 };
}

// Command-line parsing for the main command. Pure: takes argv and the
// environment, returns options or throws UsageError with the one line to print.
import { ByteOrder } from '../text/endian';
import { treeOptions } from '../text/tree_options';
import { ProtoSet } from '../types';
import { quoteText } from '../text/escape';
import { flag, makeParser, OptionSpec, UsageError } from '../text/argv';

export interface Options extends ProtoSet {
  action: 'query' | 'help' | 'version';
  /** 0 when no PORT was given. */
  port: number;
  /** PORT/tcp or PORT/udp narrows the protocol. */
  portProto: 'tcp' | 'udp' | '';
  remote: boolean;
  /** 0 when no --pid. */
  pid: number;
  /** --netns: all, NAME, a namespace file or pid:PID; '' for portown's own namespace. */
  netns: string;
  all: boolean;
  listening: boolean;
  json: boolean;
  pids: boolean;
  threads: boolean;
  proc: string;
  byteOrder: ByteOrder | null;
}

const PID_MAX = 4194304; // PID_MAX_LIMIT on 64-bit kernels

const quote = quoteText;

/** "22", "22/tcp", "22/udp". */
function parsePortSpec(s: string): { port: number; proto: 'tcp' | 'udp' | '' } {
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

function parsePid(s: string): number {
  const n = /^[0-9]{1,8}$/.test(s) ? +s : NaN;
  if (!(n >= 1 && n <= PID_MAX)) throw new UsageError('Expected a PID between 1 and ' + PID_MAX + ', got ' + quote(s));
  return n;
}

function defaultOptions(): Options {
  return {
    action: 'query', port: 0, portProto: '', remote: false, pid: 0, netns: '', all: false, listening: false,
    json: false, pids: false, threads: false, proc: '/proc', byteOrder: null,
    tcp: false, udp: false, raw: false, unix: false, ipv4: false, ipv6: false,
  };
}

const OPTIONS: OptionSpec<Options>[] = [
  { long: '--help', short: 'h', set: (o) => { o.action = 'help'; } },
  { long: '--version', short: 'V', set: (o) => { o.action = 'version'; } },
  { long: '--all', short: 'a', set: flag('all') },
  { long: '--listening', short: 'l', set: flag('listening') },
  { long: '--json', short: 'j', set: flag('json') },
  { long: '--pids', set: flag('pids') },
  { long: '--remote', set: flag('remote') },
  { long: '--threads', set: flag('threads') },
  { long: '--tcp', short: 't', set: flag('tcp') },
  { long: '--udp', short: 'u', set: flag('udp') },
  { long: '--raw', short: 'w', set: flag('raw') },
  { long: '--unix', short: 'x', set: flag('unix') },
  { long: '--ipv4', short: '4', set: flag('ipv4') },
  { long: '--ipv6', short: '6', set: flag('ipv6') },
  { long: '--pid', short: 'p', value: 'a PID', set: (o, v) => { o.pid = parsePid(v); } },
  { long: '--netns', value: 'all, NAME, a namespace file or pid:PID', set: (o, v) => { o.netns = v; return v !== ''; } },
  ...treeOptions<Options>(),
];

// "-123" is a PORT the user typed with a dash (so its message is the port's), not a cluster of digits.
const parse = makeParser<Options>({
  options: OPTIONS,
  unknown: (shown) => 'Unknown option ' + shown + '; see portown --help',
  dashDashEndsOptions: true,
  dashDigitsArePositional: true,
});

export function parseArgs(argv: string[], env: { [k: string]: string | undefined }): Options {
  const o = defaultOptions();
  // PROC_ROOT stands in for /proc as the default, so a --proc still wins.
  if (env.PROC_ROOT) o.proc = env.PROC_ROOT;
  let portSeen = '';
  for (const p of parse(argv, o)) {
    if (portSeen) throw new UsageError('Expected one PORT, got a second one: ' + quote(p) + ' after ' + quote(portSeen));
    const spec = parsePortSpec(p);
    o.port = spec.port;
    o.portProto = spec.proto;
    portSeen = p;
  }
  if (o.remote && !o.port) throw new UsageError('Option --remote needs a PORT to match, got none');
  // --pid alone already looks in every namespace; --netns picks tables for the other queries.
  if (o.netns && o.pid && !o.port) throw new UsageError('Option --netns chooses the tables of PORT, --listening and --all; --pid ' + o.pid + ' already looks in every namespace');
  return o;
}

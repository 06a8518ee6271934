// A command-line parser driven by a table of options, shared by the main
// command and netstat mode. Generic: it knows no option of either command;
// each gives its table and the few ways its syntax differs (see ParserSpec).
//
// Read: --name, --name=value, --name value, combined short flags (-ntpa), a
// short value option taking the rest of its cluster or the next argument
// (-p123, -p 123), positionals, and "--" where the command lets it end options.
import { quoteText } from './escape';

/** A usage problem; the message is the one line to print before exiting 2. */
export class UsageError extends Error {}

/**
 * Applies an option to the options object; `value` is '' for a flag. A value
 * option returns false to refuse its value, which the parser reports as
 * "Option --NAME expects WHAT, got VALUE"; it may also throw its own UsageError.
 */
type Setter<O> = (o: O, value: string) => boolean | void;

export interface OptionSpec<O> {
  /** The spelling messages use: "--name". */
  long: string;
  /** Letters that stand for it alone or in a cluster ("WT": -W and -T). */
  short?: string;
  /** Other long spellings, e.g. "--programs" for "--program". */
  aliases?: string[];
  /** For an option that takes a value: what the value is ("a PID"), as messages say it. */
  value?: string;
  set: Setter<O>;
}

export interface ParserSpec<O> {
  options: OptionSpec<O>[];
  /** The message for an option not in the table, given its quoted spelling (with " in \"-ARG\"" for a letter of a cluster). */
  unknown: (shown: string) => string;
  /** Whether "--" ends the options; if not, "--" is a positional like any other. */
  dashDashEndsOptions: boolean;
  /** Whether a dash and digits ("-123") is a positional, unless it is exactly one short option ("-4"). */
  dashDigitsArePositional: boolean;
  /** For a command that takes no positionals: the message for one, given it quoted; thrown where it stands. */
  positional?: (shown: string) => string;
}

/** Parses argv into `o` and returns the positionals; throws UsageError at the first problem, reading left to right. */
type ArgvParser<O> = (argv: readonly string[], o: O) => string[];

/** The keys of O whose values are of type T. */
type KeysOf<O, T> = { [K in keyof O]: O[K] extends T ? K : never }[keyof O];

/** A setter that turns a boolean field on. */
export function flag<O>(key: KeysOf<O, boolean>): Setter<O> {
  return (o) => {
    (o as unknown as { [k: string]: boolean })[key as string] = true;
  };
}

/** A setter that counts how many times the option was given (-e, -ee). */
export function counter<O>(key: KeysOf<O, number>): Setter<O> {
  return (o) => {
    (o as unknown as { [k: string]: number })[key as string]++;
  };
}

interface Table<O> {
  spec: ParserSpec<O>;
  long: Map<string, OptionSpec<O>>;
  short: Map<string, OptionSpec<O>>;
}

/** Where the parser is: argv and the index of the argument being read. */
interface Cursor {
  argv: readonly string[];
  i: number;
}

const quote = quoteText;

/** Builds the parser for one command; a name or letter given twice is a bug in the table, so it throws at once. */
export function makeParser<O>(spec: ParserSpec<O>): ArgvParser<O> {
  const t = indexTable(spec);
  return (argv, o) => parseArgv(t, argv, o);
}

function indexTable<O>(spec: ParserSpec<O>): Table<O> {
  const t: Table<O> = { spec, long: new Map(), short: new Map() };
  for (const opt of spec.options) {
    for (const name of [opt.long].concat(opt.aliases || [])) addKey(t.long, name, opt);
    for (const letter of (opt.short || '').split('')) addKey(t.short, letter, opt);
  }
  return t;
}

function addKey<O>(map: Map<string, OptionSpec<O>>, key: string, opt: OptionSpec<O>) {
  if (map.has(key)) throw new Error('option table: ' + key + ' is given twice');
  map.set(key, opt);
}

function parseArgv<O>(t: Table<O>, argv: readonly string[], o: O): string[] {
  const positionals: string[] = [];
  const c: Cursor = { argv, i: 0 };
  for (; c.i < argv.length; c.i++) {
    const a = argv[c.i];
    if (a === '--' && t.spec.dashDashEndsOptions) {
      for (const rest of argv.slice(c.i + 1)) addPositional(t, rest, positionals);
      break;
    }
    if (isLongOption(a)) readLong(t, c, o);
    else if (isCluster(t, a)) readCluster(t, c, o);
    else addPositional(t, a, positionals);
  }
  return positionals;
}

function isLongOption(a: string): boolean {
  return a.length > 2 && a[0] === '-' && a[1] === '-';
}

/** "-" alone and "--" are not clusters; "-123" is not one either where the command reads it as a positional. */
function isCluster<O>(t: Table<O>, a: string): boolean {
  if (a.length < 2 || a[0] !== '-' || a === '--') return false;
  if (!t.spec.dashDigitsArePositional || !/^-[0-9]+$/.test(a)) return true;
  return a.length === 2 && t.short.has(a[1]);
}

function addPositional<O>(t: Table<O>, a: string, positionals: string[]) {
  if (t.spec.positional) throw new UsageError(t.spec.positional(quote(a)));
  positionals.push(a);
}

/** --name, --name=value or --name value. */
function readLong<O>(t: Table<O>, c: Cursor, o: O) {
  const a = c.argv[c.i];
  const eq = a.indexOf('=');
  const opt = t.long.get(eq > 0 ? a.slice(0, eq) : a);
  if (!opt) throw new UsageError(t.spec.unknown(quote(a)));
  if (opt.value !== undefined) applyValue(opt, eq > 0 ? a.slice(eq + 1) : nextArg(c), o);
  else if (eq > 0) throw new UsageError('Option ' + opt.long + ' takes no value, got ' + quote(a));
  else opt.set(o, '');
}

/** -abc: flags one letter at a time; a value option takes the rest of the cluster, or the next argument. */
function readCluster<O>(t: Table<O>, c: Cursor, o: O) {
  const a = c.argv[c.i];
  for (let k = 1; k < a.length; k++) {
    const opt = t.short.get(a[k]);
    if (!opt) throw new UsageError(t.spec.unknown(quote('-' + a[k]) + (a.length > 2 ? ' in ' + quote(a) : '')));
    if (opt.value !== undefined) {
      const rest = a.slice(k + 1);
      applyValue(opt, rest !== '' ? rest : nextArg(c), o);
      return;
    }
    opt.set(o, '');
  }
}

/** The next argument, consumed as a value whatever it looks like; undefined past the end. */
function nextArg(c: Cursor): string | undefined {
  c.i++;
  return c.argv[c.i];
}

function applyValue<O>(opt: OptionSpec<O>, value: string | undefined, o: O) {
  if (value === undefined) throw new UsageError('Option ' + opt.long + ' expects ' + opt.value + ', got nothing');
  if (opt.set(o, value) === false) throw new UsageError('Option ' + opt.long + ' expects ' + opt.value + ', got ' + quote(value));
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { counter, flag, makeParser, OptionSpec, ParserSpec, UsageError } from '../src/text/argv';

interface T {
  all: boolean;
  verbose: number;
  name: string;
  level: number;
}

const fresh = (): T => ({ all: false, verbose: 0, name: '', level: 0 });

const OPTIONS: OptionSpec<T>[] = [
  { long: '--all', short: 'a', aliases: ['--everything'], set: flag('all') },
  { long: '--verbose', short: 'vV', set: counter('verbose') },
  { long: '--name', short: 'n', value: 'a name', set: (o, v) => { if (v === '') return false; o.name = v; return true; } },
  {
    long: '--level', value: 'a level', set: (o, v) => {
      if (!/^[0-9]$/.test(v)) throw new UsageError('Level ' + JSON.stringify(v) + ' is not a digit');
      o.level = +v;
    },
  },
  { long: '--five', short: '5', set: (o) => { o.level = 5; } },
];

// Two commands' worth of syntax, as the main command and netstat mode use it.
const LOOSE: ParserSpec<T> = {
  options: OPTIONS,
  unknown: (shown) => 'Unknown option ' + shown,
  dashDashEndsOptions: true,
  dashDigitsArePositional: true,
};
const STRICT: ParserSpec<T> = {
  options: OPTIONS,
  unknown: (shown) => 'unsupported ' + shown,
  dashDashEndsOptions: false,
  dashDigitsArePositional: false,
  positional: (shown) => 'unexpected ' + shown,
};
const loose = makeParser(LOOSE);
const strict = makeParser(STRICT);

function run(argv: string[], parse = loose): { o: T; rest: string[] } {
  const o = fresh();
  const rest = parse(argv, o);
  return { o, rest };
}

function fails(argv: string[], message: string, parse = loose) {
  try {
    parse(argv, fresh());
  } catch (e) {
    assert.instance(e, UsageError);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable('parsed ' + JSON.stringify(argv));
}

const A = suite('argv');

A('long flags, aliases and counters', () => {
  assert.equal(run(['--all', '--verbose', '--verbose']).o, { all: true, verbose: 2, name: '', level: 0 });
  assert.is(run(['--everything']).o.all, true);
});

A('a long value: --name=value, --name value, and the next argument whatever it looks like', () => {
  assert.is(run(['--name=x']).o.name, 'x');
  assert.is(run(['--name=a=b']).o.name, 'a=b');
  assert.is(run(['--name', 'y']).o.name, 'y');
  assert.is(run(['--name', '--all']).o.name, '--all');
  assert.equal(run(['--name', '--all']).o.all, false);
  assert.is(run(['--name', '--']).o.name, '--');
});

A('short flags combine; a counter counts each letter, several letters may stand for one option', () => {
  assert.equal(run(['-avV']).o, { all: true, verbose: 2, name: '', level: 0 });
  assert.is(run(['-vv', '-V']).o.verbose, 3);
});

A('a short value option takes the rest of its cluster, else the next argument', () => {
  assert.is(run(['-nfoo']).o.name, 'foo');
  assert.equal(run(['-anfoo']).o, { all: true, verbose: 0, name: 'foo', level: 0 });
  assert.is(run(['-na']).o.name, 'a');
  assert.is(run(['-an', 'bar']).o.name, 'bar');
  assert.is(run(['-n', '-v']).o.name, '-v');
  assert.is(run(['-n=x']).o.name, '=x');
});

A('a missing or refused value names the long option and what it expects', () => {
  fails(['--name'], 'Option --name expects a name, got nothing');
  fails(['-n'], 'Option --name expects a name, got nothing');
  fails(['-vn'], 'Option --name expects a name, got nothing');
  fails(['--name='], 'Option --name expects a name, got ""');
  fails(['--name', ''], 'Option --name expects a name, got ""');
  fails(['--level', 'x'], 'Level "x" is not a digit');
  assert.is(run(['--level=7']).o.level, 7);
});

A('a flag given a value is refused, under its long name even when spelled by an alias', () => {
  fails(['--all=1'], 'Option --all takes no value, got "--all=1"');
  fails(['--everything='], 'Option --all takes no value, got "--everything="');
});

A('unknown options: the whole argument, or the letter and its cluster', () => {
  fails(['--bogus'], 'Unknown option "--bogus"');
  fails(['--bogus=1'], 'Unknown option "--bogus=1"');
  fails(['--=x'], 'Unknown option "--=x"');
  fails(['---'], 'Unknown option "---"');
  fails(['-z'], 'Unknown option "-z"');
  fails(['-az'], 'Unknown option "-z" in "-az"');
  fails(['-a-'], 'Unknown option "--" in "-a-"');
  fails(['-z'], 'unsupported "-z"', strict);
  fails(['--constructor'], 'unsupported "--constructor"', strict);
  fails(['-\x1b'], 'Unknown option "-\\u001b"');
});

A('positionals come back in order; "-" is one', () => {
  assert.equal(run(['x', '-a', '-', 'y']).rest, ['x', '-', 'y']);
  assert.equal(run(['']).rest, ['']);
});

A('"--" ends options where the command says so, and is a positional where not', () => {
  assert.equal(run(['-a', '--', '--all', '-v']), { o: { all: true, verbose: 0, name: '', level: 0 }, rest: ['--all', '-v'] });
  fails(['--'], 'unexpected "--"', strict);
});

A('a dash and digits is a positional where the command says so, unless exactly one short option', () => {
  assert.equal(run(['-123']).rest, ['-123']);
  assert.equal(run(['-55']).rest, ['-55']);
  assert.equal(run(['-5']), { o: { all: false, verbose: 0, name: '', level: 5 }, rest: [] });
  assert.is(run(['-5a']).o.level, 5);
  fails(['-123'], 'unsupported "-1" in "-123"', strict);
  assert.is(run(['-55'], strict).o.level, 5);
});

A('a command without positionals refuses the first where it stands', () => {
  fails(['eth0'], 'unexpected "eth0"', strict);
  fails(['-'], 'unexpected "-"', strict);
  fails(['eth0', '-z'], 'unexpected "eth0"', strict);
  fails(['-z', 'eth0'], 'unsupported "-z"', strict);
});

A('the first problem from the left is the one reported', () => {
  fails(['--bogus', '--name'], 'Unknown option "--bogus"');
  fails(['--name', '--bogus', '-z'], 'Unknown option "-z"');
  fails(['--all=1', '-z'], 'Option --all takes no value, got "--all=1"');
});

A('a name or letter given twice in a table is a bug, refused when the parser is made', () => {
  const dup = (options: OptionSpec<T>[]) => () => makeParser({ ...LOOSE, options });
  assert.throws(dup([{ long: '--all', set: flag('all') }, { long: '--all', set: flag('all') }]), /--all is given twice/);
  assert.throws(dup([{ long: '--a', short: 'a', set: flag('all') }, { long: '--b', short: 'a', set: flag('all') }]), /a is given twice/);
  assert.throws(dup([{ long: '--a', aliases: ['--b'], set: flag('all') }, { long: '--b', set: flag('all') }]), /--b is given twice/);
});

A.run();

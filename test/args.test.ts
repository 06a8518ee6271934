import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../src/cli/args';
import { UsageError } from '../src/text/argv';

const env = {};
function fails(argv: string[], message: string) {
  try {
    parseArgs(argv, env);
  } catch (e) {
    assert.instance(e, UsageError);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable('expected UsageError for ' + JSON.stringify(argv));
}

const A = suite('args');

A('PORT, PORT/tcp and PORT/udp', () => {
  assert.equal([parseArgs(['22'], env).port, parseArgs(['22'], env).portProto], [22, '']);
  assert.is(parseArgs(['53/udp'], env).portProto, 'udp');
  assert.is(parseArgs(['80/TCP'], env).portProto, 'tcp');
});

A('a bad port names the expected range and the input', () => {
  fails(['70000'], 'Expected a port between 1 and 65535, got 70000');
  fails(['0'], 'Expected a port between 1 and 65535, got 0');
  fails(['abc'], 'Expected a port between 1 and 65535 (PORT, PORT/tcp or PORT/udp), got "abc"');
  fails([''], 'Expected a port between 1 and 65535 (PORT, PORT/tcp or PORT/udp), got ""');
  fails(['-5'], 'Expected a port between 1 and 65535 (PORT, PORT/tcp or PORT/udp), got "-5"');
  fails(['22/sctp'], 'Expected PORT/tcp or PORT/udp, got "22/sctp"');
  fails(['99999999999999999999999'], 'Expected a port between 1 and 65535, got "99999999999999999999..."');
  fails(['22', '80'], 'Expected one PORT, got a second one: "80" after "22"');
});

A('unknown options and missing values get one clear line', () => {
  fails(['--frob'], 'Unknown option "--frob"; see portown --help');
  fails(['-z'], 'Unknown option "-z"; see portown --help');
  fails(['-az'], 'Unknown option "-z" in "-az"; see portown --help');
  fails(['--pid'], 'Option --pid expects a PID, got nothing');
  fails(['-p'], 'Option --pid expects a PID, got nothing');
  fails(['--pid', 'x'], 'Expected a PID between 1 and 4194304, got "x"');
  fails(['--pid', '0'], 'Expected a PID between 1 and 4194304, got "0"');
  fails(['--proc'], 'Option --proc expects a directory, got nothing');
  fails(['--proc', ''], 'Option --proc expects a directory, got ""');
  fails(['--byte-order', 'middle'], 'Option --byte-order expects le or be, got "middle"');
  fails(['--json=yes'], 'Option --json takes no value, got "--json=yes"');
  fails(['--remote'], 'Option --remote needs a PORT to match, got none');
});

A('short flags combine, and -p takes its value attached or next', () => {
  const o = parseArgs(['-atj4'], env);
  assert.equal([o.all, o.tcp, o.json, o.ipv4], [true, true, true, true]);
  assert.is(parseArgs(['-p1962'], env).pid, 1962);
  assert.is(parseArgs(['-jp', '1962'], env).pid, 1962);
  assert.is(parseArgs(['--pid=7'], env).pid, 7);
});

A('--proc beats PROC_ROOT, which beats /proc', () => {
  assert.is(parseArgs([], {}).proc, '/proc');
  assert.is(parseArgs([], { PROC_ROOT: '/snap' }).proc, '/snap');
  assert.is(parseArgs(['--proc', '/x'], { PROC_ROOT: '/snap' }).proc, '/x');
  assert.is(parseArgs(['--proc=/y'], {}).proc, '/y');
});

A('-- ends the options', () => {
  assert.is(parseArgs(['--', '22'], env).port, 22);
});

A('help and version', () => {
  assert.is(parseArgs(['-h'], env).action, 'help');
  assert.is(parseArgs(['--version'], env).action, 'version');
});

A.run();

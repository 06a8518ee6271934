import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import { checkProcRoot, errnoText, isFsError } from '../src/proc/errors';

const E = suite('errors');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

E('isFsError takes system-call errors only, not Node\'s ERR_* errors or plain ones', () => {
  assert.ok(isFsError(thrown(() => fs.readFileSync('/nonexistent/x'))));
  assert.ok(isFsError(thrown(() => fs.readSync(fs.openSync('/', 'r'), Buffer.alloc(1), 0, 1, null))), 'EISDIR from read()');
  assert.not.ok(isFsError(thrown(() => fs.readFileSync(42 as unknown as string, { encoding: 'nope' as BufferEncoding }))), 'ERR_INVALID_ARG_VALUE');
  assert.not.ok(isFsError(new Error('EACCES')));
  assert.not.ok(isFsError(null));
  assert.not.ok(isFsError({ code: 'ERR_ASSERTION' }));
});

E('errnoText words the common codes and falls back to the code', () => {
  assert.is(errnoText({ code: 'ENOENT' }), 'no such file or directory');
  assert.is(errnoText({ code: 'EISDIR' }), 'is a directory');
  assert.is(errnoText({ code: 'ESTALE' }), 'ESTALE');
});

E('checkProcRoot names a missing root and a root that is a file', () => {
  assert.is(checkProcRoot('/nonexistent/proc'), 'cannot read the /proc tree "/nonexistent/proc": no such file or directory');
  assert.is(checkProcRoot('/etc/passwd'), 'Expected --proc to be a /proc directory, got "/etc/passwd" (not a directory)');
  assert.is(checkProcRoot('/proc'), null);
});

E.run();

// Output to a closed pipe: `portown --all | head -1` must end quietly (no
// EPIPE stack trace, exit 0). The host gets enough sockets first that the
// output overflows the pipe, so the write after head exits really fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { BUNDLE, nodeCommand, portown, timeoutScale } from './helpers/cli';
import { startServer, stopAll } from './helpers/listeners';

const s = suite('closed pipe e2e');
const SOCKETS = 3000;

s.before(async () => {
  const steps: object[] = [];
  for (let i = 0; i < SOCKETS; i++) steps.push({ tcp: '127.0.0.1' });
  await startServer(steps);
});
s.after(() => stopAll());

function throughHead(args: string[]) {
  const cmd = [...nodeCommand(), BUNDLE, ...args].map((a) => "'" + a.replace(/'/g, "'\\''") + "'").join(' ');
  // PIPESTATUS[0] is portown's own exit status; its stderr goes to our pipe.
  const r = spawnSync('bash', ['-c', cmd + ' | head -1 >/dev/null; echo "status=${PIPESTATUS[0]}"'], { encoding: 'utf8', timeout: 60000 * timeoutScale() });
  return { stdout: r.stdout, stderr: r.stderr };
}

for (const args of [['--all'], ['--all', '--json'], ['netstat', '-anp'], ['netstat', '-anc']]) {
  s('portown ' + args.join(' ') + ' | head -1 exits 0 without a word on stderr', () => {
    // netstat -c lists again every second until its reader goes away: measure one pass.
    const full = portown(args.filter((a) => a !== '-anc').concat(args.includes('-anc') ? ['-an'] : []));
    assert.ok(full.raw.length > 192 * 1024, 'output of ' + full.raw.length + ' bytes would not overflow the pipe');
    const notes = full.stderr;
    for (let k = 0; k < 3; k++) {
      const r = throughHead(args);
      assert.is(r.stdout, 'status=0\n');
      // Only the privilege note a full run also prints may appear; never an EPIPE trace.
      assert.not.match(r.stderr, /EPIPE|Error|    at /);
      assert.ok(r.stderr === '' || notes.startsWith(r.stderr), r.stderr);
    }
  });
}

s.run();

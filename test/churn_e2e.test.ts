// Churn: scripts/bench/churn.js runs the bundle a few hundred times while a helper
// opens and closes loopback sockets and spawns and kills processes holding
// them (see the script's header for what it checks); the runs cycle through
// the sync, async and pipelined scans. Bounded in runs and time;
// CHURN_RUNS / CHURN_SECONDS / FUZZ_SEED override.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, timeoutScale } from './helpers/cli';
import { seedFromEnv } from './helpers/prng';

const s = suite('churn e2e');
// Under emulation (PORTOWN_NODE) a run is 10-25x slower: fewer runs.
const RUNS = Number(process.env.CHURN_RUNS) || (process.env.PORTOWN_NODE ? 20 : 200);
const SECONDS = Number(process.env.CHURN_SECONDS) || 100;
const SEED = seedFromEnv(4242);

s('the bundle survives ' + RUNS + ' runs under churn: exit 0/1, no trace, every owner really held its socket', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bench', 'churn.js'), '--runs', String(RUNS), '--seconds', String(SECONDS * timeoutScale()), '--seed', String(SEED), '--rate', '100'],
    { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 * timeoutScale() });
  console.log('  ' + (r.stdout || '').trim().split('\n').join('\n  '));
  assert.is(r.status, 0, (r.stdout || '') + (r.stderr || ''));
  const m = /churn: seed \d+, (\d+) runs .*; (\d+) owner claims checked .*; 0 failures$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  // Bounded by time too: on a slow machine fewer runs finish, but never a handful.
  assert.ok(+m![1] >= Math.min(RUNS, 50), 'only ' + m![1] + ' runs in ' + SECONDS + ' s');
  assert.ok(+m![2] > 0, 'no owner claim was checked: the helper\'s sockets were never seen');
  // The runs cycle sync / async / pipe; pipe is pipelined on the listening views (plain or --tcp --threads).
  const kinds: { [kind: string]: number } = JSON.parse((/ runs \((\{.*?\})\)/.exec(r.stdout) || ['', '{}'])[1]);
  const runsOf = (scan: string) => Object.keys(kinds).filter((k) => k.split(' ')[0] === scan).reduce((n, k) => n + kinds[k], 0);
  const all = +m![1];
  for (const scan of ['sync', 'async', 'pipe']) assert.ok(runsOf(scan) >= Math.floor(all / 3), scan + ': ' + JSON.stringify(kinds));
  assert.ok((kinds['pipe listening'] || 0) + (kinds['pipe --tcp --threads'] || 0) > 0, 'no pipelined run: ' + JSON.stringify(kinds));
});

s.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RecentKeys } from '../src/text/recent_keys';

const T = suite('recent_keys');

T('RecentKeys forgets the oldest key past its limit', () => {
  const r = new RecentKeys(2);
  assert.ok(r.add(1, 10));
  assert.not.ok(r.add(1, 10));
  assert.ok(r.add(1, 11));
  assert.ok(r.add(2, 10), 'a key differs by either half');
  assert.ok(r.add(1, 10), '(1, 10) was pushed out');
  assert.not.ok(r.add(2, 10));
});

T('RecentKeys over a long stream agrees with a plain window of the last N keys (its table never loses one)', () => {
  // Few distinct keys and a small table: long probe chains, many removals with backward shifts.
  for (const limit of [1, 3, 7, 64]) {
    const r = new RecentKeys(limit);
    const window: string[] = [];
    let seed = limit * 7919;
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const hi = (seed >>> 16) % 5, lo = (seed >>> 3) % (limit * 3 + 2);
      const k = hi + ':' + lo;
      const fresh = window.indexOf(k) < 0;
      assert.is(r.add(hi, lo), fresh, 'limit ' + limit + ', step ' + i);
      if (fresh) {
        window.push(k);
        if (window.length > limit) window.shift();
      }
    }
  }
});

T.run();

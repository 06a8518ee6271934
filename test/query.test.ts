import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { Query, QueryResult, runQuery, inetTables } from '../src/query/query';
import { DEFAULT_TUNING, PoolTuning } from '../src/scan/pool';
import { SocketRecord } from '../src/types';
import { FIXTURES } from './helpers/cli';
import { trees } from './helpers/proc_tree';

function q(fixture: string, over: Partial<Query>): Query {
  return {
    root: path.join(FIXTURES, fixture), byteOrder: 'le', mode: 'listening', port: 0, remote: false, pid: 0, threads: false, netns: null,
    protos: { tcp: true, udp: true, raw: false, unix: false, ipv4: true, ipv6: true },
    ...over,
  };
}
function run(query: Query): { rows: SocketRecord[]; result: QueryResult } {
  const rows: SocketRecord[] = [];
  let result: QueryResult | null = null;
  runQuery(query, (s) => rows.push(s), (r) => { result = r; });
  return { rows, result: result! };
}
/** runQuery with the pool scan so tuned, pipelined or not; done must come once. */
function runWith(query: Query, tuning: PoolTuning, pipelined: boolean): Promise<{ rows: SocketRecord[]; result: QueryResult }> {
  const rows: SocketRecord[] = [];
  return new Promise((resolve, reject) => {
    let calls = 0;
    runQuery(query, (s) => rows.push(s), (result) => {
      if (++calls > 1) reject(new Error('done called twice'));
      // A second call would come after this one: let it show.
      setTimeout(() => resolve({ rows, result }), 5);
    }, { pool: true, pipelined, tuning, chdir: false });
  });
}
const asyncTuning: PoolTuning = DEFAULT_TUNING;
/** The pool scan with a tight tuning: one directory ahead, one link a slice. */
const tightTuning: PoolTuning = { ahead: 1, slice: 1 };
const ALL_PROTOS = { tcp: true, udp: true, raw: true, unix: true, ipv4: true, ipv6: true };
const { tree, removeAll } = trees('portown-query-');

const line = (s: SocketRecord) =>
  s.kind === 'inet'
    ? s.proto + ' ' + s.local.address + ':' + s.local.port + ' ' + s.state + ' ' + s.owners.map((o) => o.proc.pid + '/' + o.proc.name).join(',')
    : s.kind === 'unix'
      ? 'unix ' + (s.path ? s.path.toString() : '-') + ' ' + s.state + ' ' + s.owners.map((o) => o.proc.pid + '/' + o.proc.name).join(',')
      : 'socket ' + s.inode + ' ' + s.owners.map((o) => o.proc.pid + '/' + o.proc.name).join(',');

const Q = suite('query');

Q('portown 22 on the design-doc host: 1962/sshd LISTEN on 0.0.0.0:22 (and :::22)', () => {
  const { rows } = run(q('design-doc', { mode: 'port', port: 22 }));
  assert.equal(rows.map(line), ['tcp 0.0.0.0:22 LISTEN 1962/sshd', 'tcp6 :::22 LISTEN 1962/sshd']);
});

Q('the listening view of the design-doc host names all five daemons of its netstat listing', () => {
  const { rows } = run(q('design-doc', { mode: 'listening' }));
  assert.equal(rows.map(line), [
    'tcp 0.0.0.0:22 LISTEN 1962/sshd',
    'tcp 127.0.0.1:631 LISTEN 1656/cupsd',
    'tcp 127.0.0.1:25 LISTEN 2050/master',
    'tcp 0.0.0.0:52867 LISTEN 1692/rpc.statd',
    'tcp 0.0.0.0:111 LISTEN 1596/rpcbind',
    'tcp6 :::22 LISTEN 1962/sshd',
    'udp 0.0.0.0:111 UNCONN 1596/rpcbind',
    'udp 0.0.0.0:35000 UNCONN 1692/rpc.statd',
  ]);
});

Q('a port query matches the local port only, unless remote is asked', () => {
  const local = run(q('udp-raw-unix', { mode: 'port', port: 53 })).rows;
  assert.equal(local.length, 0);
  const remote = run(q('udp-raw-unix', { mode: 'port', port: 53, remote: true })).rows;
  assert.equal(remote.map(line), ['udp 127.0.0.1:40000 ESTABLISHED 401/resolver']);
});

Q('a port query sees every state: TIME_WAIT and request sockets have no owner', () => {
  const { rows } = run(q('ipv6', { mode: 'port', port: 8080 }));
  assert.equal(rows.map(line), ['tcp 127.0.0.1:8080 LISTEN 305/nginx', 'tcp6 2001:db8::1:8080 TIME_WAIT ', 'tcp6 2001:db8::1:8080 NEW_SYN_RECV ']);
});

Q('--pid lists every socket one process holds, unix included', () => {
  const { rows, result } = run(q('udp-raw-unix', { mode: 'pid', pid: 403, protos: { tcp: true, udp: true, raw: true, unix: true, ipv4: true, ipv6: true } }));
  assert.equal(rows.map(line), ['unix /run/app.sock LISTEN 403/app', 'unix - CONNECTED 403/app', 'unix /tmp/my sock LISTEN 403/app', 'unix /tmp/evil\nname LISTEN 403/app']);
  assert.ok(result.pidFound);
  assert.not.ok(run(q('udp-raw-unix', { mode: 'pid', pid: 9999 })).result.pidFound);
});

Q('--all streams every row of every table in /proc order', () => {
  const { rows } = run(q('udp-raw-unix', { mode: 'all', protos: { tcp: true, udp: true, raw: true, unix: true, ipv4: true, ipv6: true } }));
  assert.equal(rows.map((s) => s.proto), ['udp', 'udp', 'udp6', 'raw', 'raw6', 'unix', 'unix', 'unix', 'unix', 'unix', 'unix', 'unix']);
});

Q('table order is tcp, tcp6, udp, udp6, raw, raw6, narrowed by protocol and family', () => {
  assert.equal(inetTables({ tcp: true, udp: true, raw: true, unix: false, ipv4: true, ipv6: true }), ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']);
  assert.equal(inetTables({ tcp: false, udp: true, raw: false, unix: false, ipv4: false, ipv6: true }), ['udp6']);
});

Q('a tree with no net tables is flagged, so the CLI can say it is not a /proc', () => {
  const { result } = run(q('design-doc/1962', { mode: 'listening' }));
  assert.ok(result.noTables);
});

Q('the big-endian capture answers right with byteOrder be', () => {
  const { rows } = run(q('big-endian', { mode: 'port', port: 22, byteOrder: 'be' }));
  assert.equal(rows.map(line), ['tcp 192.168.1.1:22 LISTEN 500/dropbear', 'tcp 192.168.1.1:22 ESTABLISHED 501/dropbear', 'tcp6 fd00::1:22 LISTEN 500/dropbear']);
});

Q('pipelined (tables on the pool during an async scan) gives the rows, owners and table reports of the plain selective query, on every fixture tree', async () => {
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => fs.existsSync(path.join(FIXTURES, f, 'net')));
  assert.ok(fixtures.length >= 10, fixtures.join());
  let compared = 0;
  let owned = 0;
  for (const fixture of fixtures) {
    const byteOrder = fixture.includes('big-endian') ? 'be' : 'le';
    // Every local port of the tree, from the full listing.
    const ports = Array.from(new Set(run(q(fixture, { mode: 'all', byteOrder, protos: ALL_PROTOS })).rows
      .map((s) => (s.kind === 'inet' ? s.local.port : -1)).filter((p) => p >= 0)));
    const queries: Partial<Query>[] = [{ mode: 'listening', protos: ALL_PROTOS }, { mode: 'listening', protos: ALL_PROTOS, threads: true }];
    for (const port of ports) queries.push({ mode: 'port', port }, { mode: 'port', port, remote: true }, { mode: 'port', port, threads: true });
    for (const over of queries) {
      const query = q(fixture, { byteOrder, ...over });
      const want = run(query);
      for (const tuning of [asyncTuning, tightTuning]) {
        const got = await runWith(query, tuning, true);
        const what = fixture + ' ' + JSON.stringify(over) + (tuning === tightTuning ? ' (tight)' : '');
        assert.is(JSON.stringify(got.rows), JSON.stringify(want.rows), what);
        assert.equal(got.result.tables, want.result.tables, what);
        assert.equal([got.result.sockets, got.result.noTables, got.result.error], [want.result.sockets, want.result.noTables, undefined], what);
        compared++;
      }
      owned += want.rows.filter((s) => s.owners.length > 0).length;
    }
  }
  // The comparison saw owners, threads and unix sockets, not just empty answers.
  assert.ok(compared > 100 && owned > 50, compared + ' compared, ' + owned + ' owned rows');
});

Q('pipelined, a root relative to the working directory answers as an absolute one', async () => {
  const here = process.cwd();
  const abs = await runWith(q('design-doc', { mode: 'listening', protos: ALL_PROTOS }), asyncTuning, true);
  process.chdir(FIXTURES);
  try {
    const rel = await runWith({ ...q('design-doc', { mode: 'listening', protos: ALL_PROTOS }), root: 'design-doc' }, asyncTuning, true);
    assert.is(process.cwd(), FIXTURES);
    assert.is(JSON.stringify(rel.rows), JSON.stringify(abs.rows));
    assert.ok(abs.rows.length >= 8 && abs.rows.every((s) => s.kind === 'unix' || s.owners.length > 0));
  } finally {
    process.chdir(here);
  }
});

Q('pipelined, the listening view includes listening unix sockets with their owners', async () => {
  const { rows } = await runWith(q('udp-raw-unix', { mode: 'listening', protos: ALL_PROTOS }), asyncTuning, true);
  assert.equal(rows.filter((s) => s.kind === 'unix').map(line), ['unix /run/app.sock LISTEN 403/app', 'unix /tmp/my sock LISTEN 403/app', 'unix /run/seq.sock LISTEN 404/syslogd', 'unix /tmp/evil\nname LISTEN 403/app']);
});

Q('pipelined, a table that cannot be read sets result.error and hands nothing to the sink, even rows of the tables before it', async () => {
  const root = tree([{ pid: 1962, start: 1, comm: 'sshd', fds: { 3: 'socket:[13828]' } }]);
  fs.mkdirSync(path.join(root, 'net'));
  fs.copyFileSync(path.join(FIXTURES, 'design-doc', 'net', 'tcp'), path.join(root, 'net', 'tcp'));
  // tcp6 (read after tcp) is a directory: open works, read fails.
  fs.mkdirSync(path.join(root, 'net', 'tcp6'));
  const query: Query = { ...q('design-doc', { mode: 'port', port: 22 }), root };
  const got = await runWith(query, asyncTuning, true);
  assert.is(got.result.error && got.result.error.code, 'EISDIR');
  // The plain selective query throws the same error.
  assert.throws(() => run(query), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
  assert.equal([got.rows.length, got.result.sockets], [0, 0]);
  // With tcp6 readable, the same tree answers: the error, not the tree, emptied the answer.
  fs.rmdirSync(path.join(root, 'net', 'tcp6'));
  const ok = await runWith(query, asyncTuning, true);
  assert.equal([ok.result.error, ok.rows.map(line)], [undefined, ['tcp 0.0.0.0:22 LISTEN 1962/sshd']]);
});

Q.after(() => removeAll());
Q('a namespace whose process left before its tables were read is skipped quietly, the others answered', () => {
  const query = q('design-doc', { mode: 'port', port: 22, netns: { all: true } });
  const rows: SocketRecord[] = [];
  let result: QueryResult | null = null;
  const sources = { self: '4026531840', unreadable: 0, empty: false, list: [
    { dir: query.root, netns: '4026531840' },
    { dir: query.root + '/424242', netns: '4026532999' },
  ] };
  runQuery(query, (s) => rows.push(s), (r) => { result = r; }, undefined, sources);
  assert.equal(rows.map(line), ['tcp 0.0.0.0:22 LISTEN 1962/sshd', 'tcp6 :::22 LISTEN 1962/sshd']);
  assert.equal(rows.map((s) => s.netns), ['4026531840', '4026531840']);
  assert.equal([result!.error, result!.noTables], [undefined, false]);
  assert.ok(result!.tables.some((t) => t.path.includes('/424242/net/') && t.missing), 'its tables count as missing');
});

Q.run();

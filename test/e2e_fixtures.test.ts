// The built bundle on committed fixture trees: exact output, exit codes, messages.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, portown, portownJson } from './helpers/cli';

const at = (f: string) => ['--proc', path.join(FIXTURES, f)];
const F = suite('e2e_fixtures');

F('portown 22 on the design-doc host prints sshd, exit 0', () => {
  const r = portown(['22', ...at('design-doc')]);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.fixture(r.stdout, [
    'Proto Local Address Remote Address State   PID User Command',
    'tcp   0.0.0.0:22    0.0.0.0:*      LISTEN 1962 root sshd',
    'tcp6  [::]:22       [::]:*         LISTEN 1962 root sshd',
    '',
  ].join('\n'));
});

F('--json gives the documented shape, inode as a string', () => {
  const { code, data } = portownJson(['22/tcp', ...at('design-doc')]);
  assert.is(code, 0);
  assert.equal(data[0], {
    proto: 'tcp', local: { address: '0.0.0.0', port: 22 }, remote: { address: '0.0.0.0', port: 0 }, state: 'LISTEN', uid: 0, inode: '13828', netns: null,
    owners: [{ pid: 1962, name: 'sshd', cmdline: '/usr/sbin/sshd', fd: 3, uid: 0 }],
  });
  assert.is(data.length, 2);
});

F('a unix socket in JSON has path, type, state, inode, owners', () => {
  const { data } = portownJson(['--pid', '1656', ...at('design-doc')]);
  const u = data.find((s) => s.proto === 'unix');
  assert.equal(u, { proto: 'unix', path: '/var/run/cups/cups.sock', type: 'STREAM', state: 'LISTEN', inode: '11830', netns: null, owners: [{ pid: 1656, name: 'cupsd', cmdline: 'cupsd -C /etc/cups/cupsd.conf', fd: 4, uid: 0 }] });
});

F('--pids prints each owner once, sorted; forked workers all count', () => {
  const r = portown(['443', '--pids', ...at('ipv6')]);
  assert.equal([r.code, r.stdout], [0, '303\n304\n305\n']);
});

F('no matching socket: exit 1 and nothing on stdout', () => {
  const r = portown(['4000', ...at('design-doc')]);
  assert.equal([r.code, r.stdout, r.stderr], [1, '', '']);
  const p = portown(['4000', '--pids', ...at('design-doc')]);
  assert.equal([p.code, p.stdout], [1, '']);
});

F('PORT/udp narrows to UDP of both families', () => {
  const { data } = portownJson(['111/udp', ...at('design-doc')]);
  assert.equal(data.map((s) => s.proto + ':' + s.owners[0].name), ['udp:rpcbind']);
});

F('--pid PID combined with a port keeps only that holder', () => {
  const { data } = portownJson(['443', '--pid', '304', ...at('ipv6')]);
  assert.equal(data.map((s) => s.owners.map((o: { pid: number }) => o.pid)), [[304]]);
});

F('--pid of a process that does not exist: exit 1 with a note', () => {
  const r = portown(['--pid', '4242', ...at('design-doc')]);
  assert.is(r.code, 1);
  assert.is(r.stderr, 'portown: no process 4242 under ' + path.join(FIXTURES, 'design-doc') + '\n');
});

F('PROC_ROOT does what --proc does', () => {
  const r = portown(['22', '--pids'], { env: { PROC_ROOT: path.join(FIXTURES, 'design-doc') } });
  assert.equal([r.code, r.stdout], [0, '1962\n']);
});

F('--threads names the thread with its own fd table, which the process table does not show', () => {
  assert.equal(portownJson(['9091', ...at('threads')]).data[0].owners, []);
  const t = portownJson(['9091', '--threads', ...at('threads')]).data[0].owners;
  assert.equal(t, [{ pid: 800, tid: 801, name: 'acceptor', cmdline: '/usr/bin/pool', fd: 9, uid: 0 }]);
});

F('a big-endian snapshot: --byte-order be decodes its addresses', () => {
  const { data } = portownJson(['53', '--byte-order', 'be', ...at('big-endian')]);
  assert.equal(data.map((s) => s.local.address), ['127.0.0.1', '::1']);
});

F('hostile names: no raw control byte in the table or JSON, and JSON round-trips to the table text', () => {
  for (const args of [['4444'], ['--all'], ['4444', '--json'], ['--all', '--json']]) {
    const r = portown([...args, ...at('hostile-comm')]);
    assert.is(r.code, 0);
    for (const byte of r.raw) assert.ok(byte === 0x0a || (byte >= 0x20 && byte !== 0x7f), 'raw byte ' + byte + ' in ' + args.join(' '));
    assert.not.match(r.stdout, /[\u0080-\u009f]/);
  }
  const table = portown(['4444', ...at('hostile-comm')]).stdout;
  const name = portownJson(['4444', ...at('hostile-comm')]).data[0].owners[0].name;
  assert.is(name, '\\x1b[2J\\x07\\u009b31m\\x7f');
  assert.ok(table.includes(' ' + name + '\n'));
});

F('malformed tables: good rows print, and stderr names the file and line', () => {
  const r = portown(['--all', '--pids', ...at('malformed')]);
  assert.equal([r.code, r.stdout], [0, '900\n']);
  const tcp = path.join(FIXTURES, 'malformed', 'net', 'tcp');
  assert.is(r.stderr, 'portown: ' + tcp + ': skipped 5 malformed lines (first at line 3)\nportown: ' + tcp + ': skipped 1 overlong line (line 8)\n');
});

F('an old kernel without comm, stat, IPv6 or raw tables', () => {
  const { code, data } = portownJson(['--all', ...at('old-kernel')]);
  assert.is(code, 0);
  assert.equal(data.map((s) => s.proto + ' ' + (s.owners[0] ? s.owners[0].pid + '/' + s.owners[0].name : '-')), ['tcp 700/telnetd', 'tcp 701/telnetd', 'udp 702/tftpd', 'unix -']);
});

F('bad usage: one line naming the expected form and the input, exit 2', () => {
  const cases: [string[], string][] = [
    [['70000'], 'portown: Expected a port between 1 and 65535, got 70000\n'],
    [['0'], 'portown: Expected a port between 1 and 65535, got 0\n'],
    [['abc'], 'portown: Expected a port between 1 and 65535 (PORT, PORT/tcp or PORT/udp), got "abc"\n'],
    [['--frob'], 'portown: Unknown option "--frob"; see portown --help\n'],
    [['--pid'], 'portown: Option --pid expects a PID, got nothing\n'],
  ];
  for (const [args, err] of cases) {
    const r = portown(args);
    assert.equal([r.code, r.stdout, r.stderr], [2, '', err], args.join(' '));
  }
});

F('--proc at a missing folder, a file, or a folder that is not a /proc: exit 2 with one line', () => {
  const missing = portown(['22', '--proc', '/nonexistent/proc']);
  assert.equal([missing.code, missing.stderr], [2, 'portown: cannot read the /proc tree "/nonexistent/proc": no such file or directory\n']);
  const file = portown(['22', '--proc', path.join(FIXTURES, 'design-doc', 'net', 'tcp')]);
  assert.equal([file.code, file.stderr], [2, 'portown: Expected --proc to be a /proc directory, got "' + path.join(FIXTURES, 'design-doc', 'net', 'tcp') + '" (not a directory)\n']);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-empty-'));
  const notproc = portown(['--all', '--proc', empty]);
  assert.equal([notproc.code, notproc.stderr], [2, 'portown: no /proc/net tables under "' + empty + '" (net/tcp, net/udp, ...): is it a /proc tree?\n']);
  fs.rmSync(empty, { recursive: true, force: true });
});

F('a table that cannot be read (a directory at net/tcp6) is named in the one line, with every scan, in queries, listings and netstat mode', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-badtable-'));
  fs.mkdirSync(path.join(root, 'net', 'tcp6'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'design-doc', 'net', 'tcp'), path.join(root, 'net', 'tcp'));
  fs.mkdirSync(path.join(root, '1', 'fd'), { recursive: true });
  const message = 'cannot read ' + path.join(root, 'net', 'tcp6') + ': is a directory\n';
  for (const scan of ['sync', 'pipe']) {
    const r = portown(['22', '--proc', root], { env: { PORTOWN_SCAN: scan } });
    assert.equal([r.code, r.stdout, r.stderr], [2, '', 'portown: ' + message], scan);
  }
  // Full listings have printed the rows of tcp (read before tcp6) when the error comes; the pool reads (pipe) stop at the same place.
  const firstRows: { [what: string]: string } = {};
  for (const scan of ['sync', 'async', 'pipe']) {
    for (const args of [['--all', '--json'], ['netstat', '-ntap']]) {
      const r = portown([...args, '--proc', root], { env: { PORTOWN_SCAN: scan } });
      const what = args.join(' ');
      assert.equal([r.code, r.stderr], [2, (args[0] === 'netstat' ? 'netstat: ' : 'portown: ') + message], what + ' ' + scan);
      assert.match(r.stdout, /0\.0\.0\.0(:|","port":)22\b/, what + " " + scan);
      if (!(what in firstRows)) firstRows[what] = r.stdout;
      assert.is(r.stdout, firstRows[what], what + ' ' + scan);
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
});

F('containers fixture: each runtime named from its cgroup shape, in the table and in JSON; a host daemon has its unit', () => {
  const root = path.join(FIXTURES, 'containers');
  const t = portown(['--proc', root]);
  assert.is(t.code, 0, t.stderr);
  assert.equal(t.stdout.split('\n').slice(1, -1).map((l) => l.replace(/^.* root /, '')),
    ['nginx [docker:aaaaaaaaaaaa]', 'caddy [podman:bbbbbbbbbbbb]', 'app [containerd:cccccccccccc]', 'sshd', 'postgres [lxc:db]', 'httpd [systemd-nspawn:web-1]']);
  const j = portownJson(['--proc', root]);
  assert.equal(j.data.map((s: any) => [s.local.port, s.netns, s.owners[0].container || null, s.owners[0].unit || null]), [
    [80, '4026531840', { runtime: 'docker', id: 'a'.repeat(64) }, null],
    [443, '4026531840', { runtime: 'podman', id: 'b'.repeat(64) }, null],
    [8080, '4026531840', { runtime: 'containerd', id: 'c'.repeat(64) }, null],
    [22, '4026531840', null, 'ssh.service'],
    [5432, '4026531840', { runtime: 'lxc', name: 'db' }, null],
    [9000, '4026531840', { runtime: 'systemd-nspawn', name: 'web-1' }, null],
  ]);
});

F('containers fixture: a snapshot\'s other namespace answers offline: --netns all, --pid, and the miss note', () => {
  const root = path.join(FIXTURES, 'containers');
  const miss = portown(['6379', '--proc', root]);
  assert.equal([miss.code, miss.stdout, miss.stderr], [1, '', 'portown: port 6379 is not in use in this network namespace, but is in another: net:[4026532500] (pid 107, 1 socket); see it with --netns all\n']);
  const all = portownJson(['6379', '--netns', 'all', '--proc', root]);
  assert.equal(all.data.map((s: any) => [s.netns, s.owners.map((o: any) => o.pid)]), [['4026532500', [107]]]);
  const pid = portownJson(['--pid', '107', '--proc', root]);
  assert.equal(pid.data.map((s: any) => [s.proto, s.local.port, s.netns, s.owners[0].unit]), [['tcp', 6379, '4026532500', 'redis.service'], ['tcp', 80, '4026532500', 'redis.service']]);
  // Port 80 is in use here too: a query whose rows a filter hid is no miss, and gets no note.
  const hidden = portown(['80', '--pid', '104', '--proc', root]);
  assert.equal([hidden.code, hidden.stdout, hidden.stderr], [1, '', '']);
  // A tree without ns links has one namespace, and no process whose namespace could not be read.
  const flat = portown(['--netns', 'all', '--proc', path.join(FIXTURES, 'design-doc')]);
  assert.equal([flat.code, flat.stderr], [0, '']);
  const table = portown(['--netns', 'all', '--proc', root]);
  assert.match(table.stdout.split('\n')[0], /^Proto +Local Address +Remote Address +State +NETNS +PID +User +Command$/);
  assert.match(table.stdout, /^tcp +127\.0\.0\.1:6379 +0\.0\.0\.0:\* +LISTEN +4026532500 +107 root redis$/m);
  assert.not.match(portown(['--proc', root]).stdout, /NETNS/, 'the default query reads our own namespace only');
});

F('a bare socket whose fd link text is not a number (a made-up tree) is escaped in the table and in JSON', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-bare-'));
  try {
    fs.mkdirSync(path.join(root, 'net'));
    for (const t of ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'unix']) fs.writeFileSync(path.join(root, 'net', t), '');
    fs.mkdirSync(path.join(root, '40', 'fd'), { recursive: true });
    fs.writeFileSync(path.join(root, '40', 'comm'), 'x\n');
    fs.symlinkSync('socket:[1"\x1b[31mRED]', path.join(root, '40', 'fd', '3'));
    const j = portownJson(['--pid', '40', '--proc', root]);
    assert.is(j.code, 0, j.stderr);
    assert.equal(j.data.map((s: any) => [s.proto, s.inode]), [['socket', '1"\\x1b[31mRED']]);
    const t = portown(['--pid', '40', '--proc', root]);
    assert.ok(!t.stdout.includes('\x1b'), 'no raw escape byte reaches the terminal');
    assert.match(t.stdout, /^socket +inode 1"\\x1b\[31mRED +\* +- +40 /m);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

F.run();

// Containers, live: what a host port's holder says about the container
// behind it. A forwarder like Docker's docker-proxy holds the host port and
// names its target on its command line.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { portown, portownJson } from './helpers/cli';
import { startServer, stopAll } from './helpers/listeners';
import { command, need, Need, needs, ROOT } from './helpers/needs';

const C = suite('containers e2e');
const BASH = command('bash', 'bash');

/** The mount point of a cgroup hierarchy: the v1 pids one, else the unified one; '' when neither. */
function pidsHierarchy(): string {
  let text = '';
  try { text = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch (e) { return ''; }
  let v2 = '';
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0) continue;
    if (f[dash + 1] === 'cgroup' && (f[dash + 3] || '').split(',').indexOf('pids') >= 0) return f[4];
    if (f[dash + 1] === 'cgroup2' && !v2) v2 = f[4];
  }
  return v2;
}
const HIER = pidsHierarchy();
const TOP = 'portown-e2e.' + process.pid;
function writable(): Need {
  if (!HIER) return need(false, 'no cgroup hierarchy to make a group in');
  if (!ROOT.ok) return ROOT;
  try {
    fs.mkdirSync(path.join(HIER, TOP));
    return need(true, '');
  } catch (e) {
    return need(false, 'cannot make a cgroup in ' + HIER + ': ' + (e as Error).message);
  }
}
const CGROUPS = writable();
const ID = 'e2e0' + 'c0ffee'.repeat(10);
const made: string[] = [];

C.after(() => {
  stopAll();
  for (const p of made.reverse()) { try { fs.rmSync(p, { recursive: true, force: true }); } catch (e) { /* gone */ } }
  try { fs.rmdirSync(path.join(HIER, TOP, 'docker', ID)); } catch (e) { /* never made */ }
  try { fs.rmdirSync(path.join(HIER, TOP, 'docker')); } catch (e) { /* never made */ }
  try { fs.rmdirSync(path.join(HIER, TOP)); } catch (e) { /* never made */ }
});

needs(C, ROOT, CGROUPS)('a holder in a Docker-named cgroup shows its container, named from Docker\'s state on this host', async () => {
  const l = await startServer([{ tcp: '127.0.0.1' }]);
  const port = l.sockets[0].port!;
  const group = path.join(HIER, TOP, 'docker', ID);
  fs.mkdirSync(group, { recursive: true });
  fs.writeFileSync(path.join(group, 'cgroup.procs'), String(l.pid));
  try {
    const byId = portownJson([port + '/tcp']);
    assert.equal(byId.data.map((s: any) => s.owners.map((o: any) => [o.pid, o.container])), [[[l.pid, { runtime: 'docker', id: ID }]]]);
    assert.match(portown([port + '/tcp']).stdout, new RegExp(' ' + l.pid + ' +root +node \\[docker:' + ID.slice(0, 12) + '\\]$', 'm'));
    // Docker's state file names it: /var/lib/docker/containers/<id>/config.v2.json.
    const state = '/var/lib/docker/containers/' + ID;
    for (const dir of ['/var/lib/docker', '/var/lib/docker/containers', state]) {
      if (!fs.existsSync(dir)) { fs.mkdirSync(dir); made.push(dir); }
    }
    fs.writeFileSync(state + '/config.v2.json', JSON.stringify({ ID, Name: '/web-e2e' }));
    const named = portownJson([port + '/tcp']);
    assert.equal(named.data[0].owners[0].container, { runtime: 'docker', id: ID, name: 'web-e2e' });
    assert.match(portown([port + '/tcp']).stdout, new RegExp(' ' + l.pid + ' +root +node \\[docker:web-e2e\\]$', 'm'));
  } finally {
    fs.writeFileSync(path.join(HIER, TOP, '..', 'cgroup.procs'), String(l.pid));
    l.stop();
  }
});

/** A process that calls itself docker-proxy (argv[0]) and listens on the host port, as the real one does. */
function fakeProxy(port: number, target = '172.17.0.2'): Promise<{ pid: number; stop(): void }> {
  const listen = 'require("net").createServer().listen(+process.argv[process.argv.indexOf("-host-port") + 1], "127.0.0.1", () => console.log("up"))';
  const argv = ['-e', listen, '--', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', String(port), '-container-ip', target, '-container-port', '80'];
  const p = spawn('bash', ['-c', 'exec -a /usr/bin/docker-proxy "$@"', 'bash', process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    p.stdout!.once('data', () => resolve({ pid: p.pid!, stop: () => p.kill('SIGKILL') }));
    p.once('exit', (code) => reject(new Error('fake docker-proxy exited ' + code)));
  });
}

needs(C, BASH)("a forwarder's host port names the container address and port behind it, in the table and in JSON", async () => {
  const port = 30000 + (process.pid % 20000);
  const proxy = await fakeProxy(port);
  try {
    const r = portownJson([port + '/tcp']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.data.map((s: any) => s.owners.map((o: any) => [o.pid, o.forwards])), [[[proxy.pid, { proto: 'tcp', address: '172.17.0.2', port: 80 }]]]);
    assert.match(portown([port + '/tcp']).stdout, new RegExp(' ' + proxy.pid + ' +root +node -> 172\\.17\\.0\\.2:80$', 'm'));
  } finally {
    proxy.stop();
  }
});

const IP = command('ip', 'iproute2');

needs(C, ROOT, CGROUPS, BASH, IP)('a forwarder\'s target address is found in its container\'s namespace, and the container named', async () => {
  const ns = 'portown-fwd-' + process.pid;
  const run = (...a: string[]) => { const r = spawnSync(a[0], a.slice(1), { encoding: 'utf8' }); if (r.status !== 0) throw new Error(a.join(' ') + ': ' + r.stderr); };
  run('ip', 'netns', 'add', ns);
  const id = 'f0' + 'ba5e'.repeat(15) + 'ed';
  const group = path.join(HIER, TOP, 'docker', id);
  let inside: { pid: number; stop(): void } | null = null;
  let proxy: { pid: number; stop(): void } | null = null;
  try {
    run('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    run('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', '10.213.0.2/32', 'dev', 'lo');
    inside = await startServer([{ tcp: '10.213.0.2', port: 80 }], { wrap: ['ip', 'netns', 'exec', ns] });
    fs.mkdirSync(group, { recursive: true });
    fs.writeFileSync(path.join(group, 'cgroup.procs'), String(inside.pid));
    const port = 30000 + ((process.pid + 7) % 20000);
    proxy = await fakeProxy(port, '10.213.0.2');
    const nsIno = /net:\[(\d+)\]/.exec(fs.readlinkSync('/proc/' + inside.pid + '/ns/net'))![1];
    const r = portownJson([port + '/tcp']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.data[0].owners[0].forwards, { proto: 'tcp', address: '10.213.0.2', port: 80, netns: nsIno, container: { runtime: 'docker', id } });
    assert.match(portown([port + '/tcp']).stdout, new RegExp(' ' + proxy.pid + ' +root +node -> 10\\.213\\.0\\.2:80 \\[docker:' + id.slice(0, 12) + '\\]$', 'm'));
  } finally {
    if (proxy) proxy.stop();
    if (inside) {
      try { fs.writeFileSync(path.join(HIER, 'cgroup.procs'), String(inside.pid)); } catch (e) { /* gone */ }
      inside.stop();
    }
    spawnSync('ip', ['netns', 'del', ns]);
    for (let i = 0; i < 50; i++) {
      try { fs.rmdirSync(group); break; } catch (e) { await new Promise((res) => setTimeout(res, 20)); }
    }
  }
});

C.run();

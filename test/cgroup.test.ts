import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import { Cgroup, Container, containerLabel, containerName, parseCgroup, readCgroup, shortId } from '../src/proc/cgroup';
import { command, need, needs, Need, ROOT } from './helpers/needs';

const ID = '3f4e5d6c7b8a' + '0123456789abcdef'.repeat(3) + '9a8b';
const ID2 = 'b'.repeat(64);
const POD_CGROUPFS = 'pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const POD_SYSTEMD = '1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d';

/** A v1 file: the same path in every hierarchy, as a legacy host (or a cgroupfs runtime) writes it. */
function v1(path: string, systemdPath: string = path): string {
  return [
    '12:pids:' + path, '11:memory:' + path, '10:devices:' + path, '9:cpu,cpuacct:' + path,
    '8:blkio:' + path, '7:freezer:' + path, '1:name=systemd:' + systemdPath,
  ].join('\n') + '\n';
}

const C = (runtime: Container['runtime'], idOrName: { id?: string; name?: string }): Container => ({ runtime, ...idOrName });
const parsed = (container: Container | null, unit: string | null = null): Cgroup => ({ container, unit });

const P = suite('cgroup parse');

P('docker, systemd driver: docker-<id>.scope on v2, on v1 and on a hybrid host', () => {
  const want = parsed(C('docker', { id: ID }));
  assert.equal(parseCgroup('0::/system.slice/docker-' + ID + '.scope\n'), want);
  assert.equal(parseCgroup(v1('/system.slice/docker-' + ID + '.scope')), want);
  assert.equal(parseCgroup(v1('/system.slice/docker-' + ID + '.scope') + '0::/system.slice/docker-' + ID + '.scope\n'), want);
  // Rootless docker under a user's manager.
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/user.slice/docker-' + ID + '.scope\n'), want);
});

P('docker, cgroupfs driver: /docker/<id> on v1 and v2; a subgroup of the container is still the container', () => {
  const want = parsed(C('docker', { id: ID }));
  assert.equal(parseCgroup(v1('/docker/' + ID)), want);
  assert.equal(parseCgroup('0::/docker/' + ID + '\n'), want);
  assert.equal(parseCgroup('0::/docker/' + ID + '/init.scope\n'), want, 'a scope below the container names no unit');
});

P('a hybrid file: a v2 root (0::/) or a v2 host service before v1 docker paths still finds the container, and takes no unit from the other line', () => {
  // This is how a cgroupfs-driven docker looks on a hybrid host: runc leaves the v2 tree to the shim.
  assert.equal(parseCgroup('0::/\n' + v1('/docker/' + ID, '/')), parsed(C('docker', { id: ID })));
  assert.equal(parseCgroup(v1('/docker/' + ID) + '0::/system.slice/containerd.service\n'), parsed(C('docker', { id: ID })));
});

P('the v2 line is read first wherever it stands, then the v1 lines in file order', () => {
  assert.equal(parseCgroup('5:pids:/docker/' + ID2 + '\n0::/system.slice/docker-' + ID + '.scope\n'), parsed(C('docker', { id: ID })));
  assert.equal(parseCgroup('0::/\n5:pids:/docker/' + ID2 + '\n4:memory:/docker/' + ID + '\n'), parsed(C('docker', { id: ID2 })));
  // The first v1 path that a rule recognises, not the first v1 line.
  assert.equal(parseCgroup('0::/\n5:pids:/\n4:memory:/docker/' + ID + '\n'), parsed(C('docker', { id: ID })));
});

P('kubernetes with the systemd driver: containerd and cri-o by their scope prefix, in every QoS class', () => {
  const besteffort = '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod' + POD_SYSTEMD + '.slice/';
  const burstable = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod' + POD_SYSTEMD + '.slice/';
  const guaranteed = '/kubepods.slice/kubepods-pod' + POD_SYSTEMD + '.slice/';
  assert.equal(parseCgroup('0::' + besteffort + 'cri-containerd-' + ID + '.scope\n'), parsed(C('containerd', { id: ID })));
  assert.equal(parseCgroup(v1(burstable + 'cri-containerd-' + ID + '.scope')), parsed(C('containerd', { id: ID })));
  assert.equal(parseCgroup('0::' + guaranteed + 'crio-' + ID + '.scope\n'), parsed(C('cri-o', { id: ID })));
  assert.equal(parseCgroup(v1(besteffort + 'crio-' + ID + '.scope')), parsed(C('cri-o', { id: ID })));
  assert.equal(parseCgroup('0::' + besteffort + 'docker-' + ID + '.scope\n'), parsed(C('docker', { id: ID })), 'cri-dockerd');
  // cri-o's conmon is the runtime's monitor, not the container; the pod slice above names none.
  assert.equal(parseCgroup('0::' + besteffort + 'crio-conmon-' + ID + '.scope\n'), parsed(null));
  assert.equal(parseCgroup('0::' + besteffort.slice(0, -1) + '\n'), parsed(null), 'the pod itself is no container');
});

P('kubernetes with the cgroupfs driver: a bare id under kubepods/<qos>/pod<uid> is runtime "kubernetes"; crio-<id> is cri-o', () => {
  const want = parsed(C('kubernetes', { id: ID }));
  assert.equal(parseCgroup(v1('/kubepods/besteffort/' + POD_CGROUPFS + '/' + ID)), want);
  assert.equal(parseCgroup(v1('/kubepods/burstable/' + POD_CGROUPFS + '/' + ID)), want);
  assert.equal(parseCgroup('0::/kubepods/' + POD_CGROUPFS + '/' + ID + '\n'), want, 'guaranteed: no QoS level');
  assert.equal(parseCgroup('0::/kubepods/besteffort/' + POD_CGROUPFS + '/crio-' + ID + '\n'), parsed(C('cri-o', { id: ID })));
  assert.equal(parseCgroup('0::/kubepods/besteffort/' + POD_CGROUPFS + '/crio-conmon-' + ID + '\n'), parsed(null));
  // Not kubelet's shape: no guess.
  assert.equal(parseCgroup('0::/kubepods/besteffort/notapod/' + ID + '\n'), parsed(null));
  assert.equal(parseCgroup('0::/besteffort/' + POD_CGROUPFS + '/' + ID + '\n'), parsed(null));
  assert.equal(parseCgroup('0::/kubepods/besteffort/' + POD_CGROUPFS + '\n'), parsed(null));
});

P('nested kubepods: the deepest container wins (kind: pods inside a node container)', () => {
  const kindV2 = '0::/system.slice/docker-' + ID2 + '.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/' +
    'kubelet-kubepods-besteffort-pod' + POD_SYSTEMD + '.slice/cri-containerd-' + ID + '.scope\n';
  assert.equal(parseCgroup(kindV2), parsed(C('containerd', { id: ID })));
  assert.equal(parseCgroup(v1('/docker/' + ID2 + '/kubepods/besteffort/' + POD_CGROUPFS + '/' + ID)), parsed(C('kubernetes', { id: ID })));
  // The node's own processes (kubelet, containerd) are in the node container.
  assert.equal(parseCgroup('0::/system.slice/docker-' + ID2 + '.scope/system.slice/containerd.service\n'),
    parsed(C('docker', { id: ID2 }), 'containerd.service'));
});

P('podman: libpod-<id>.scope (systemd, rootful and rootless), libpod_parent/libpod-<id> (cgroupfs)', () => {
  const want = parsed(C('podman', { id: ID }));
  assert.equal(parseCgroup('0::/machine.slice/libpod-' + ID + '.scope\n'), want);
  assert.equal(parseCgroup('0::/machine.slice/libpod-' + ID + '.scope/container\n'), want, 'the container subgroup of --systemd containers');
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-' + ID + '.scope\n'), want);
  assert.equal(parseCgroup(v1('/machine.slice/libpod-' + ID + '.scope')), want);
  assert.equal(parseCgroup(v1('/libpod_parent/libpod-' + ID)), want);
  assert.equal(parseCgroup('0::/libpod_parent/libpod-' + ID + '\n'), want);
});

P('podman: conmon is not the container (its scope and cgroupfs group name none), but a conmon inside a container is in that container', () => {
  assert.equal(parseCgroup('0::/machine.slice/libpod-conmon-' + ID + '.scope\n'), parsed(null));
  assert.equal(parseCgroup(v1('/machine.slice/libpod-conmon-' + ID + '.scope')), parsed(null));
  assert.equal(parseCgroup('0::/libpod_parent/conmon\n'), parsed(null));
  assert.equal(parseCgroup('0::/lxc.payload.web/machine.slice/libpod-conmon-' + ID + '.scope\n'), parsed(C('lxc', { name: 'web' })));
});

P('lxc: lxc.payload.<name>, lxc.payload/<name>, lxc/<name>; a service inside is the unit; the monitor is not the container', () => {
  assert.equal(parseCgroup('0::/lxc.payload.web\n'), parsed(C('lxc', { name: 'web' })));
  assert.equal(parseCgroup(v1('/lxc.payload.web')), parsed(C('lxc', { name: 'web' })));
  assert.equal(parseCgroup('0::/lxc.payload.web/system.slice/nginx.service\n'), parsed(C('lxc', { name: 'web' }), 'nginx.service'));
  assert.equal(parseCgroup('0::/lxc.payload.web/init.scope\n'), parsed(C('lxc', { name: 'web' })));
  assert.equal(parseCgroup(v1('/lxc.payload/web')), parsed(C('lxc', { name: 'web' })));
  assert.equal(parseCgroup(v1('/lxc/web')), parsed(C('lxc', { name: 'web' })));
  assert.equal(parseCgroup('0::/lxc/web/system.slice/sshd.service\n'), parsed(C('lxc', { name: 'web' }), 'sshd.service'));
  assert.equal(parseCgroup('0::/lxc.monitor.web\n'), parsed(null));
  assert.equal(parseCgroup('0::/lxc.monitor/web\n'), parsed(null));
  assert.equal(parseCgroup('0::/lxc.payload.\n0::/lxc.payload\n'), parsed(null), 'no name');
});

P('systemd-nspawn: machine-<name>.scope and systemd-nspawn@<name>.service, names unescaped; the supervisor is not the container', () => {
  const box = C('systemd-nspawn', { name: 'my-box' });
  assert.equal(parseCgroup('0::/machine.slice/machine-my\\x2dbox.scope/payload\n'), parsed(box));
  assert.equal(parseCgroup(v1('/machine.slice/machine-my\\x2dbox.scope')), parsed(box));
  assert.equal(parseCgroup('0::/machine.slice/machine-my\\x2dbox.scope/payload/system.slice/sshd.service\n'), parsed(box, 'sshd.service'));
  assert.equal(parseCgroup('0::/machine.slice/systemd-nspawn@my\\x2dbox.service/payload/init.scope\n'), parsed(box));
  assert.equal(parseCgroup(v1('/machine.slice/systemd-nspawn@my\\x2dbox.service')), parsed(box));
  assert.equal(parseCgroup('0::/machine.slice/machine-caf\\xc3\\xa9\\x2d1.scope\n'), parsed(C('systemd-nspawn', { name: 'caf\u00e9-1' })), 'UTF-8 bytes');
  // nspawn itself, beside the payload: a host service (or a scope, when run from a shell).
  assert.equal(parseCgroup('0::/machine.slice/systemd-nspawn@my\\x2dbox.service/supervisor\n'), parsed(null, 'systemd-nspawn@my\\x2dbox.service'));
  assert.equal(parseCgroup('0::/machine.slice/machine-my\\x2dbox.scope/supervisor\n'), parsed(null));
});

P('machine scopes of libvirt are libvirt\'s, named by the domain', () => {
  assert.equal(parseCgroup('0::/machine.slice/machine-qemu\\x2d1\\x2dubuntu\\x2d22.scope/libvirt/emulator\n'), parsed(C('libvirt', { name: 'ubuntu-22' })));
  assert.equal(parseCgroup(v1('/machine.slice/machine-lxc\\x2d4242\\x2dweb.scope')), parsed(C('libvirt', { name: 'web' })));
  assert.equal(parseCgroup('0::/machine.slice/machine-qemu.scope\n'), parsed(C('systemd-nspawn', { name: 'qemu' })), 'a machine merely called qemu');
});

P('ids are exactly 64 lowercase hex digits; anything else is no id and no guess', () => {
  for (const bad of [ID.slice(1), ID + 'a', ID.toUpperCase(), ID.slice(0, 63) + 'g', 'web', '']) {
    assert.equal(parseCgroup('0::/system.slice/docker-' + bad + '.scope\n'), parsed(null), 'docker-' + bad + '.scope');
    assert.equal(parseCgroup(v1('/docker/' + bad)), parsed(null), '/docker/' + bad);
    assert.equal(parseCgroup('0::/machine.slice/libpod-' + bad + '.scope\n'), parsed(null), 'libpod-' + bad);
    assert.equal(parseCgroup('0::/kubepods/besteffort/' + POD_CGROUPFS + '/' + bad + '\n'), parsed(null), 'pod/' + bad);
  }
  assert.equal(parseCgroup('0::/docker\n0::/docker/\n'), parsed(null));
  assert.equal(parseCgroup('0::/system.slice/docker-' + ID + '\n'), parsed(null), 'the systemd driver always makes a scope');
  assert.equal(parseCgroup('0::/' + ID + '\n'), parsed(null), 'a bare id under nothing known');
  assert.equal(parseCgroup('0::/default/' + ID + '\n'), parsed(null), 'containerd without Kubernetes is not named');
});

P('a host daemon\'s unit: the deepest .service; a scope names none; escapes kept as systemd spells them', () => {
  assert.equal(parseCgroup('0::/system.slice/nginx.service\n'), parsed(null, 'nginx.service'));
  assert.equal(parseCgroup(v1('/system.slice/nginx.service')), parsed(null, 'nginx.service'));
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service\n'), parsed(null, 'foo.service'));
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/init.scope\n'), parsed(null), 'the user manager runs in its init.scope');
  assert.equal(parseCgroup('0::/system.slice/system-getty.slice/getty@tty1.service\n'), parsed(null, 'getty@tty1.service'));
  assert.equal(parseCgroup('0::/system.slice/system-systemd\\x2dfsck.slice/systemd-fsck@dev-disk-by\\x2duuid-1234.service\n'),
    parsed(null, 'systemd-fsck@dev-disk-by\\x2duuid-1234.service'), 'the name systemctl takes');
  assert.equal(parseCgroup('0::/system.slice/foo.service/workers/1\n'), parsed(null, 'foo.service'), 'a delegated subgroup');
  assert.equal(parseCgroup('0::/system.slice/_cpu.foo.service\n'), parsed(null, 'cpu.foo.service'), 'cgroup-escaped by systemd');
  assert.equal(parseCgroup('0::/init.scope\n'), parsed(null));
  assert.equal(parseCgroup('0::/system.slice\n'), parsed(null));
  assert.equal(parseCgroup('0::/system.slice/.service\n'), parsed(null), 'no unit name');
});

P('a user session: a login scope names no unit, nor does an app scope under the user manager', () => {
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/session-3.scope\n'), parsed(null));
  assert.equal(parseCgroup(v1('/user.slice/user-1000.slice/session-3.scope')), parsed(null));
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope\n'), parsed(null));
  // A legacy host: the cpu hierarchy at the root does not hide the service in the others.
  assert.equal(parseCgroup('4:cpu,cpuacct:/\n3:pids:/system.slice/sshd.service\n1:name=systemd:/system.slice/sshd.service\n'), parsed(null, 'sshd.service'));
  // The first path that holds a unit decides, even when it is a scope.
  assert.equal(parseCgroup('0::/user.slice/user-1000.slice/session-3.scope\n3:pids:/system.slice/sshd.service\n'), parsed(null));
});

P('an empty file, garbage lines and colons in a path', () => {
  assert.equal(parseCgroup(''), parsed(null));
  assert.equal(parseCgroup('\n\n'), parsed(null));
  const garbage = [
    'hello', ':::', '::/docker/' + ID, 'x:pids:/docker/' + ID, '-1:pids:/docker/' + ID, '5:pids:docker/' + ID,
    '5 pids /docker/' + ID, '\0\0\0', '5:pids:', '0::',
  ].join('\n');
  assert.equal(parseCgroup(garbage), parsed(null), 'no line with a numeric id and an absolute path');
  assert.equal(parseCgroup(garbage + '\n3:pids:/docker/' + ID + '\n'), parsed(C('docker', { id: ID })));
  assert.equal(parseCgroup('0::/lxc/web:8080\n'), parsed(C('lxc', { name: 'web:8080' })), 'the path is everything after the second colon');
  assert.equal(parseCgroup('4:pids:/system.slice/a:b.service\n'), parsed(null, 'a:b.service'));
  assert.equal(parseCgroup('4:pids:/docker/' + ID + ':x\n'), parsed(null));
  assert.equal(parseCgroup('0::/system.slice/docker-' + ID + '.scope'), parsed(C('docker', { id: ID })), 'no final newline');
});

P('shortId and containerLabel: runtime:name when a name is known, else runtime:short id', () => {
  assert.is(shortId(ID), '3f4e5d6c7b8a');
  assert.is(containerLabel(C('docker', { id: ID })), 'docker:3f4e5d6c7b8a');
  assert.is(containerLabel(C('docker', { id: ID }), 'web'), 'docker:web');
  assert.is(containerLabel(C('lxc', { name: 'web' })), 'lxc:web');
  assert.is(containerLabel(C('kubernetes', { id: ID }), undefined), 'kubernetes:3f4e5d6c7b8a');
  assert.is(containerLabel(C('cri-o', { id: ID }), ''), 'cri-o:3f4e5d6c7b8a', 'an empty name is no name');
  assert.is(containerLabel({ runtime: 'podman' }), 'podman');
});

P.run();

const R = suite('cgroup read');

let tmp = '';
R.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-cgroup-'));
});
R.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function procFile(pid: number, text: string): void {
  fs.mkdirSync(path.join(tmp, String(pid)), { recursive: true });
  fs.writeFileSync(path.join(tmp, String(pid), 'cgroup'), text);
}

R('readCgroup reads <root>/<pid>/cgroup; null when it is gone or unreadable', () => {
  procFile(100, '0::/\n5:pids:/docker/' + ID + '\n');
  assert.equal(readCgroup(tmp, 100), parsed(C('docker', { id: ID })));
  assert.is(readCgroup(tmp, 101), null);
  fs.mkdirSync(path.join(tmp, '102', 'cgroup'), { recursive: true });
  assert.is(readCgroup(tmp, 102), null, 'a directory in its place');
  assert.ok(readCgroup('/proc', process.pid), 'our own');
  assert.is(readCgroup('/proc', 0), null);
  assert.is(readCgroup('/nonexistent', 1), null);
});

R('a file longer than the scratch read is read whole', () => {
  const pad = Array.from({ length: 40 }, (_, i) => (i + 20) + ':x' + i + ':/' + 'a'.repeat(200)).join('\n');
  const text = pad + '\n3:pids:/docker/' + ID + '\n';
  assert.ok(text.length > 8192);
  procFile(200, text);
  assert.equal(readCgroup(tmp, 200), parsed(C('docker', { id: ID })));
});

R('a file cut at the cap loses its partial last line, which could read as a shorter path', () => {
  const head = '3:pids:/' + 'a'.repeat(200) + '\n';
  const last = '2:memory:/lxc/webserver\n';
  const cap = 64 * 1024;
  // The cap falls right after "/lxc/web".
  const fill = cap - (last.indexOf('webserver') + 3);
  const text = head.repeat(Math.floor(fill / head.length)) + '4:x:/' + 'b'.repeat(fill % head.length - 6) + '\n' + last;
  assert.is(text.slice(0, cap).slice(-8), '/lxc/web');
  procFile(300, text);
  assert.equal(readCgroup(tmp, 300), parsed(null));
  procFile(301, text.slice(0, cap - 30) + '\n' + last.slice(0, 10));
  assert.equal(readCgroup(tmp, 301), parsed(null), 'under the cap a last line without newline is whole');
  procFile(302, '0::/lxc/web');
  assert.equal(readCgroup(tmp, 302), parsed(C('lxc', { name: 'web' })));
});

R.run();

const N = suite('cgroup names');

const MKFIFO = command('mkfifo', 'coreutils');

/** A fresh state root (each its own, as names are cached per file for the run). */
function stateRoot(files: { [rel: string]: string | Buffer }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-state-'));
  for (const rel of Object.keys(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), files[rel]);
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
N.after(() => { for (const r of roots) fs.rmSync(r, { recursive: true, force: true }); });

const dockerConfig = (id: string) => 'var/lib/docker/containers/' + id + '/config.v2.json';
const PODMAN = 'var/lib/containers/storage/overlay-containers/containers.json';

N('docker: Name of config.v2.json, without its slash', () => {
  const root = stateRoot({
    [dockerConfig(ID)]: JSON.stringify({ ID, Name: '/web', Config: { Env: ['A=1'] }, State: { Running: true } }),
  });
  assert.is(containerName(C('docker', { id: ID }), root), 'web');
  assert.is(containerName(C('docker', { id: ID }), root + '/'), 'web', 'a trailing slash on the root');
  assert.is(containerName(C('docker', { id: ID2 }), root), undefined, 'no such container');
  assert.is(containerName(C('podman', { id: ID }), root), undefined, 'no podman state');
});

N('docker: a malformed, odd, foreign or oversized config.v2.json gives undefined', () => {
  const ids = ['1', '2', '3', '4', '5', '6', '7'].map((d) => d.repeat(64));
  const root = stateRoot({
    [dockerConfig(ids[0])]: '{"ID":"' + ids[0] + '","Name":"/web"',
    [dockerConfig(ids[1])]: JSON.stringify({ ID: ids[1], Name: 42 }),
    [dockerConfig(ids[2])]: JSON.stringify({ ID: ids[2], Name: '/' }),
    [dockerConfig(ids[3])]: JSON.stringify({ ID: ID2, Name: '/other' }),
    [dockerConfig(ids[4])]: 'null',
    [dockerConfig(ids[5])]: JSON.stringify({ ID: ids[5], Name: '/big', Pad: ' '.repeat(1024 * 1024) }),
    [dockerConfig(ids[6])]: Buffer.from([0xff, 0xfe, 0x00]),
  });
  for (const id of ids) assert.is(containerName(C('docker', { id }), root), undefined, id.slice(0, 1));
  assert.is(containerName(C('docker', { id: ID2 }), root), undefined, 'a file names only its own container');
});

N('podman: the first of names in containers.json; entries without id or names are skipped', () => {
  const root = stateRoot({
    [PODMAN]: JSON.stringify([
      null, 7, { id: 'short', names: ['x'] }, { names: ['noid'] }, { id: ID2, names: [] },
      { id: ID, names: ['web', 'alias'], image: 'c'.repeat(64), metadata: '{"image-name":"docker.io/library/nginx:latest"}' },
    ]),
  });
  assert.is(containerName(C('podman', { id: ID }), root), 'web');
  assert.is(containerName(C('podman', { id: ID2 }), root), undefined);
  assert.is(containerName(C('docker', { id: ID }), root), undefined, 'not docker\'s');
});

N('podman: a malformed or missing containers.json gives undefined', () => {
  assert.is(containerName(C('podman', { id: ID }), stateRoot({ [PODMAN]: '[{"id":"' + ID + '","names":["web"]' })), undefined);
  assert.is(containerName(C('podman', { id: ID }), stateRoot({ [PODMAN]: JSON.stringify({ id: ID, names: ['web'] }) })), undefined, 'not an array');
  assert.is(containerName(C('podman', { id: ID }), stateRoot({ [PODMAN]: '' })), undefined);
  assert.is(containerName(C('podman', { id: ID }), stateRoot({})), undefined);
  assert.is(containerName(C('podman', { id: ID }), '/nonexistent/root'), undefined);
});

N('a directory in a state file\'s place gives undefined', () => {
  const root = stateRoot({});
  fs.mkdirSync(path.join(root, dockerConfig(ID)), { recursive: true });
  assert.is(containerName(C('docker', { id: ID }), root), undefined);
});

needs(N, MKFIFO)('a FIFO in containers.json\'s place gives undefined at once', () => {
  const root = stateRoot({});
  fs.mkdirSync(path.dirname(path.join(root, PODMAN)), { recursive: true });
  const r = spawnSync('mkfifo', [path.join(root, PODMAN)]);
  assert.is(r.status, 0);
  assert.is(containerName(C('podman', { id: ID }), root), undefined);
});

N('names are read once per run: a state file is not read again', () => {
  const root = stateRoot({ [dockerConfig(ID)]: JSON.stringify({ ID, Name: '/web' }), [PODMAN]: '[]' });
  assert.is(containerName(C('docker', { id: ID }), root), 'web');
  assert.is(containerName(C('podman', { id: ID }), root), undefined);
  fs.writeFileSync(path.join(root, dockerConfig(ID)), JSON.stringify({ ID, Name: '/renamed' }));
  fs.writeFileSync(path.join(root, PODMAN), JSON.stringify([{ id: ID, names: ['late'] }]));
  assert.is(containerName(C('docker', { id: ID }), root), 'web');
  assert.is(containerName(C('podman', { id: ID }), root), undefined);
});

N('a name from the cgroup is the name; runtimes with no state read give undefined', () => {
  assert.is(containerName(C('lxc', { name: 'web' }), '/nonexistent'), 'web');
  assert.is(containerName(C('systemd-nspawn', { name: 'my-box' })), 'my-box');
  assert.is(containerName(C('kubernetes', { id: ID }), stateRoot({ [dockerConfig(ID)]: JSON.stringify({ ID, Name: '/web' }) })), undefined);
  assert.is(containerName(C('containerd', { id: ID })), undefined);
  assert.is(containerName({ runtime: 'docker' }), undefined);
});

N.run();

// Live: real cgroups named as each runtime names them, each under a private
// top group (so nothing of a real runtime on this host is touched), with a
// sleep moved into them, read back through /proc.
const L = suite('cgroup live');

interface Mounts { v2: string; pids: string; cpu: string; systemd: string }

/** Mount points of the unified hierarchy and of the v1 pids, cpu and name=systemd ones ('' when absent). */
function cgroupMounts(): Mounts {
  const m: Mounts = { v2: '', pids: '', cpu: '', systemd: '' };
  let text = '';
  try { text = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch (e) { return m; }
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0) continue;
    const point = f[4].replace(/\\([0-7]{3})/g, (_s, o) => String.fromCharCode(parseInt(o, 8)));
    const opts = (f[dash + 3] || '').split(',');
    if (f[dash + 1] === 'cgroup2' && !m.v2) m.v2 = point;
    if (f[dash + 1] !== 'cgroup') continue;
    if (opts.indexOf('pids') >= 0 && !m.pids) m.pids = point;
    if (opts.indexOf('cpu') >= 0 && !m.cpu) m.cpu = point;
    if (opts.indexOf('name=systemd') >= 0 && !m.systemd) m.systemd = point;
  }
  return m;
}

const MOUNTS = cgroupMounts();
const TOP = 'portown-test.' + process.pid;

/** Whether we can make cgroups in the hierarchy at `mount`: probed by making our top group there now. */
function writable(mount: string, what: string): Need {
  if (!mount) return need(false, 'no ' + what + ' hierarchy is mounted');
  if (!ROOT.ok) return need(false, ROOT.why);
  try {
    fs.mkdirSync(path.join(mount, TOP));
    return need(true, '');
  } catch (e) {
    return need(false, 'cannot make a cgroup in ' + mount + ': ' + (e as Error).message);
  }
}

const V2 = writable(MOUNTS.v2, 'cgroup2');
const PIDS = writable(MOUNTS.pids, 'v1 pids');
const CPU = writable(MOUNTS.cpu, 'v1 cpu');
const SYSTEMD = writable(MOUNTS.systemd, 'v1 name=systemd');
const mine = readCgroup('/proc', process.pid);
// Our children inherit our cgroups; a container of our own would be found first on another line.
const OUTSIDE = need(!!mine && mine.container === null, 'this test runs inside a container cgroup (' + JSON.stringify(mine && mine.container) + ')');

const children: ChildProcess[] = [];

/** A sleep moved into each of the given cgroups (mount, path under our top group); returns its pid. */
function sleeper(...into: Array<[string, string]>): number {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  child.unref();
  children.push(child);
  for (const [mount, rel] of into) {
    const dir = path.join(mount, TOP, rel);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(child.pid));
  }
  return child.pid as number;
}

/** rmdir a cgroup tree, leaves first (a cgroup's files cannot be unlinked). */
function removeTree(dir: string): void {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { return; }
  for (const e of entries) if (e.isDirectory()) removeTree(path.join(dir, e.name));
  try { fs.rmdirSync(dir); } catch (e) { console.log('  could not remove ' + dir + ': ' + (e as Error).message); }
}

L.after(() => {
  const mounts = [MOUNTS.v2, MOUNTS.pids, MOUNTS.cpu, MOUNTS.systemd].filter(Boolean);
  for (const child of children) {
    // Back to each hierarchy's root, so that the groups empty before the sleep is even reaped.
    for (const mount of mounts) {
      try { fs.writeFileSync(path.join(mount, 'cgroup.procs'), String(child.pid)); } catch (e) { /* not ours to move, or gone */ }
    }
    child.kill('SIGKILL');
  }
  for (const mount of mounts) removeTree(path.join(mount, TOP));
});

const live = (...reqs: Need[]) => needs(L, ROOT, OUTSIDE, ...reqs);

live(PIDS)('docker, cgroupfs driver, v1: pids/docker/<id>', () => {
  const pid = sleeper([MOUNTS.pids, 'docker/' + ID]);
  assert.match(fs.readFileSync('/proc/' + pid + '/cgroup', 'utf8'), ':pids:/' + TOP + '/docker/' + ID + '\n');
  assert.equal(readCgroup('/proc', pid), parsed(C('docker', { id: ID })));
});

live(V2)('docker, systemd driver, v2: system.slice/docker-<id>.scope', () => {
  const pid = sleeper([MOUNTS.v2, 'system.slice/docker-' + ID + '.scope']);
  assert.equal(readCgroup('/proc', pid), parsed(C('docker', { id: ID })));
});

live(SYSTEMD)('docker, systemd driver, v1 name=systemd: system.slice/docker-<id>.scope', () => {
  const pid = sleeper([MOUNTS.systemd, 'system.slice/docker-' + ID + '.scope']);
  assert.equal(readCgroup('/proc', pid), parsed(C('docker', { id: ID })));
});

live(V2, PIDS)('hybrid: the v2 container wins over a v1 one', () => {
  const pid = sleeper([MOUNTS.pids, 'docker/' + ID2], [MOUNTS.v2, 'system.slice/docker-' + ID + '.scope']);
  assert.equal(readCgroup('/proc', pid), parsed(C('docker', { id: ID })));
});

live(V2)('podman, systemd driver, v2: machine.slice/libpod-<id>.scope; its conmon scope is no container', () => {
  const pid = sleeper([MOUNTS.v2, 'machine.slice/libpod-' + ID + '.scope']);
  assert.equal(readCgroup('/proc', pid), parsed(C('podman', { id: ID })));
  const conmon = sleeper([MOUNTS.v2, 'machine.slice/libpod-conmon-' + ID + '.scope']);
  assert.equal(readCgroup('/proc', conmon), parsed(null));
});

live(CPU)('podman, cgroupfs driver, v1 cpu: libpod_parent/libpod-<id>', () => {
  const pid = sleeper([MOUNTS.cpu, 'libpod_parent/libpod-' + ID]);
  assert.equal(readCgroup('/proc', pid), parsed(C('podman', { id: ID })));
});

live(V2)('lxc, v2: lxc.payload.<name>, with a service inside', () => {
  const pid = sleeper([MOUNTS.v2, 'lxc.payload.web/system.slice/nginx.service']);
  assert.equal(readCgroup('/proc', pid), parsed(C('lxc', { name: 'web' }), 'nginx.service'));
});

live(PIDS)('lxc, v1 pids: lxc/<name>', () => {
  const pid = sleeper([MOUNTS.pids, 'lxc/web']);
  assert.equal(readCgroup('/proc', pid), parsed(C('lxc', { name: 'web' })));
});

live(SYSTEMD)('systemd-nspawn, v1 name=systemd: machine-<escaped name>.scope/payload', () => {
  const pid = sleeper([MOUNTS.systemd, 'machine.slice/machine-my\\x2dbox.scope/payload']);
  assert.equal(readCgroup('/proc', pid), parsed(C('systemd-nspawn', { name: 'my-box' })));
});

live(V2)('systemd-nspawn, v2: systemd-nspawn@<escaped name>.service, a service in the payload; the supervisor is a host service', () => {
  const pid = sleeper([MOUNTS.v2, 'machine.slice/systemd-nspawn@my\\x2dbox.service/payload/system.slice/sshd.service']);
  assert.equal(readCgroup('/proc', pid), parsed(C('systemd-nspawn', { name: 'my-box' }), 'sshd.service'));
  const sup = sleeper([MOUNTS.v2, 'machine.slice/systemd-nspawn@my\\x2dbox.service/supervisor']);
  assert.equal(readCgroup('/proc', sup), parsed(null, 'systemd-nspawn@my\\x2dbox.service'));
});

live(V2)('kubernetes, systemd driver, v2: containerd\'s cri-containerd-<id>.scope in a besteffort pod', () => {
  const rel = 'kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod' + POD_SYSTEMD + '.slice/cri-containerd-' + ID + '.scope';
  const pid = sleeper([MOUNTS.v2, rel]);
  assert.equal(readCgroup('/proc', pid), parsed(C('containerd', { id: ID })));
});

live(PIDS)('kubernetes, cgroupfs driver, v1 pids: kubepods/burstable/pod<uid>/<id>', () => {
  const pid = sleeper([MOUNTS.pids, 'kubepods/burstable/' + POD_CGROUPFS + '/' + ID]);
  assert.equal(readCgroup('/proc', pid), parsed(C('kubernetes', { id: ID })));
});

live(V2)('a host daemon, v2: system.slice/<unit>.service', () => {
  const pid = sleeper([MOUNTS.v2, 'system.slice/portown-live.service']);
  assert.equal(readCgroup('/proc', pid), parsed(null, 'portown-live.service'));
});

L.run();

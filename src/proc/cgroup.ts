// /proc/<pid>/cgroup: the container, or else the systemd service, a process
// runs in, read from the names that runtimes and systemd give their cgroups.
//   0::/system.slice/docker-<id>.scope
//   4:pids:/kubepods/besteffort/pod<uid>/<id>
//
// Lines are hierarchy-ID:controllers:path (the path may hold colons). The v2
// line (0::) is read first, then the v1 lines in file order; the first path
// in which a rule recognises a component names the container. Within a path
// the deepest recognised component wins: it is the container the process
// itself runs in (a pod inside kind's node container, docker inside LXC),
// even when only the outer one is known to this host's runtime.
//
// The rules; <id> is exactly 64 lowercase hex digits, anything else is no id:
//   docker-<id>.scope                              docker (systemd driver)
//   docker/<id>                                    docker (cgroupfs driver)
//   cri-containerd-<id>.scope                      containerd (Kubernetes, systemd driver)
//   crio-<id>.scope, crio-<id>                     cri-o (systemd, cgroupfs driver)
//   kubepods[/besteffort|/burstable]/pod<uid>/<id> kubernetes: the cgroupfs driver's
//       bare id does not say whether containerd or cri-dockerd runs it, so no
//       runtime is guessed
//   libpod-<id>.scope, libpod-<id>                 podman (systemd, cgroupfs driver)
//   lxc.payload.<name>, lxc.payload/<name>, lxc/<name>   lxc
//   systemd-nspawn@<name>.service, machine-<name>.scope  systemd-nspawn, except
//       machine-qemu-<n>-<vm>.scope and machine-lxc-<n>-<vm>.scope, which
//       are libvirt's (a VM registers with machined too), named <vm>
// Machine and instance names are unescaped (\x2d is '-'), as machinectl shows them.
//
// The runtimes' host-side monitors are not their containers: podman's
// libpod-conmon-<id>.scope, cri-o's crio-conmon-<id>, lxc.monitor.<name> and
// the supervisor subgroup of an nspawn unit match no rule, so the search goes
// on outward (a conmon inside an LXC container is in that container).
//
// The unit is read from the same path, below the container's component (or
// anywhere when there is no container): the deepest .service or .scope
// component decides. A .service is the unit (nginx.service, or a user's
// foo.service under user@<uid>.service); a .scope gives none, because a scope
// holds processes something else started (session-<n>.scope is a login,
// run-<x>.scope a systemd-run, docker-<id>.scope a container) and the service
// above it, such as user@<uid>.service, did not start them. Unit names are
// kept as systemd spells them, \x2d included: that is the name systemctl takes.
//
// Everything returned is raw text from the kernel or a state file; the
// formatter escapes it before it reaches a terminal.
import fs = require('fs');
import { Container, Runtime } from '../types';
import { readSmall } from './pid';

export type { Container, Runtime };

export interface Cgroup {
  container: Container | null;
  /** A systemd service, e.g. nginx.service; null when none or when the deepest unit is a scope. */
  unit: string | null;
}

/** The paths of a cgroup file, each once, the v2 line's first. */
function cgroupPaths(text: string): string[] {
  const v1: string[] = [];
  let v2: string | null = null;
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (a < 1 || b < 0 || !/^[0-9]+$/.test(line.slice(0, a))) continue;
    const path = line.slice(b + 1);
    if (path.charAt(0) !== '/') continue;
    if (line.slice(0, b) === '0:') v2 = path;
    else if (v1.indexOf(path) < 0) v1.push(path);
  }
  return v2 === null ? v1 : [v2].concat(v1.filter((p) => p !== v2));
}

/** Container and unit of a /proc/<pid>/cgroup text; both null when nothing is recognised. */
export function parseCgroup(text: string): Cgroup {
  const paths = cgroupPaths(text);
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = parts.length - 1; i > 0; i--) {
      const container = containerAt(parts, i);
      if (container) return { container, unit: unitBelow(parts, i + 1).unit };
    }
  }
  // No container: the first path that holds a unit decides, whether a service or a scope.
  for (const path of paths) {
    const found = unitBelow(path.split('/'), 1);
    if (found.seen) return { container: null, unit: found.unit };
  }
  return { container: null, unit: null };
}

const SCOPES: Array<[RegExp, Runtime]> = [
  [/^docker-([0-9a-f]{64})\.scope$/, 'docker'],
  [/^cri-containerd-([0-9a-f]{64})\.scope$/, 'containerd'],
  [/^crio-([0-9a-f]{64})(?:\.scope)?$/, 'cri-o'],
  [/^libpod-([0-9a-f]{64})(?:\.scope)?$/, 'podman'],
];

function isId(s: string): boolean {
  return s.length === 64 && /^[0-9a-f]+$/.test(s);
}

/** The container that component i of a path names, or null. */
function containerAt(parts: string[], i: number): Container | null {
  const p = parts[i];
  const parent = parts[i - 1];
  for (const [re, runtime] of SCOPES) {
    const m = re.exec(p);
    if (m) return { runtime, id: m[1] };
  }
  if (isId(p) && parent === 'docker') return { runtime: 'docker', id: p };
  if (isId(p) && isKubePod(parts, i - 1)) return { runtime: 'kubernetes', id: p };
  if (p.length > 12 && p.slice(0, 12) === 'lxc.payload.') return { runtime: 'lxc', name: p.slice(12) };
  if (parent === 'lxc.payload' || parent === 'lxc') return { runtime: 'lxc', name: p };
  // nspawn's own process sits in its unit's supervisor subgroup, beside the payload.
  if (parts[i + 1] === 'supervisor') return null;
  const service = /^systemd-nspawn@(.+)\.service$/.exec(p);
  if (service) return { runtime: 'systemd-nspawn', name: unescapeUnit(service[1]) };
  const scope = /^machine-(.+)\.scope$/.exec(p);
  if (!scope) return null;
  const name = unescapeUnit(scope[1]);
  const vm = /^(?:qemu|lxc)-[0-9]+-(.+)$/.exec(name);
  return vm ? { runtime: 'libvirt', name: vm[1] } : { runtime: 'systemd-nspawn', name };
}

/** Whether component i is a pod under kubepods as the cgroupfs driver lays it out. */
function isKubePod(parts: string[], i: number): boolean {
  if (i < 1 || !/^pod[0-9a-f][0-9a-f-]*$/.test(parts[i])) return false;
  const up = parts[i - 1];
  if (up === 'kubepods') return true;
  return (up === 'besteffort' || up === 'burstable') && parts[i - 2] === 'kubepods';
}

/** systemd's \xNN escapes, taken as UTF-8 bytes. */
function unescapeUnit(s: string): string {
  return s.replace(/(?:\\x[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/\\x/g, ''), 'hex').toString('utf8'));
}

/** The deepest unit component at or after `from`: seen when there is one, unit when it is a service. */
function unitBelow(parts: string[], from: number): { seen: boolean; unit: string | null } {
  for (let i = parts.length - 1; i >= from; i--) {
    // systemd prefixes '_' to a cgroup name that could clash with the kernel's files.
    const p = parts[i].charAt(0) === '_' ? parts[i].slice(1) : parts[i];
    if (/.\.service$/.test(p)) return { seen: true, unit: p };
    if (/.\.scope$/.test(p)) return { seen: true, unit: null };
  }
  return { seen: false, unit: null };
}

/**
 * Words one of which every path a rule recognises holds. A host process's
 * file (most holders) has none, and is then answered without a string or a
 * regular expression made for it.
 */
const MARKERS = ['.service', '.scope', 'docker', 'kubepods', 'lxc', 'libpod', 'crio'].map((w) => Buffer.from(w, 'latin1'));
const NOTHING: Cgroup = { container: null, unit: null };

/** A short cgroup file ends within the scratch read; a long one is read again whole, up to this. */
const CGROUP_MAX = 64 * 1024;

/** Container and unit of process `pid` under the /proc at `procRoot`; null when its cgroup file cannot be read. */
export function readCgroup(procRoot: string, pid: number): Cgroup | null {
  return readCgroupIn(procRoot + '/' + pid);
}

/** readCgroup of the process directory `dir` (<root>/<pid>). */
export function readCgroupIn(dir: string): Cgroup | null {
  const path = dir + '/cgroup';
  let b = readSmall(path, 4096, false);
  if (b && b.length === 4096) b = readSmall(path, CGROUP_MAX, false);
  if (!b) return null;
  if (!MARKERS.some((m) => b!.indexOf(m) >= 0)) return { container: NOTHING.container, unit: NOTHING.unit };
  let text = b.toString('utf8');
  // A file cut at the cap ends in a partial line, which could look like a shorter path.
  if (b.length === CGROUP_MAX) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return parseCgroup(text);
}

/** The first twelve digits of an id, as docker ps shows it. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/**
 * The container as a table cell: runtime:name when a name is known (given,
 * or from the cgroup), else runtime:short id, e.g. docker:web, lxc:web,
 * docker:3f4e5d6c7b8a.
 */
export function containerLabel(c: Container, name?: string): string {
  const what = name || c.name || (c.id ? shortId(c.id) : '');
  return what ? c.runtime + ':' + what : c.runtime;
}

/** Docker's state file of one container is small; a bigger one is not Docker's. */
const DOCKER_CONFIG_MAX = 1024 * 1024;
/** Podman's containers.json lists every stored container; past this cap the host goes unnamed rather than slow. */
const PODMAN_CONTAINERS_MAX = 8 * 1024 * 1024;
/** State files remembered for the run, each as its id-to-name map. */
const NAMES_CACHE_MAX = 256;

const namesCache = new Map<string, Map<string, string>>();

/**
 * The name a runtime gave a container, from its state under `stateRoot`:
 * Docker's containers/<id>/config.v2.json (Name, without its '/') and
 * Podman's overlay-containers/containers.json (the first of names), at their
 * default places (rootful, Docker's default data-root, Podman's overlay
 * driver). A name the cgroup carries is returned as it is. Undefined when
 * the state is missing, unreadable, too big or malformed; never throws.
 */
export function containerName(c: Container, stateRoot: string = '/'): string | undefined {
  if (c.name) return c.name;
  if (!c.id) return undefined;
  const root = stateRoot.replace(/\/+$/, '');
  if (c.runtime === 'docker') {
    return namesIn(root + '/var/lib/docker/containers/' + c.id + '/config.v2.json', DOCKER_CONFIG_MAX, dockerNames).get(c.id);
  }
  if (c.runtime === 'podman') {
    return namesIn(root + '/var/lib/containers/storage/overlay-containers/containers.json', PODMAN_CONTAINERS_MAX, podmanNames).get(c.id);
  }
  return undefined;
}

/** The id-to-name map of a state file, read once per run. */
function namesIn(path: string, cap: number, parse: (json: unknown) => Map<string, string>): Map<string, string> {
  let names = namesCache.get(path);
  if (names) return names;
  const text = readCapped(path, cap);
  names = new Map();
  if (text !== null) {
    try {
      names = parse(JSON.parse(text));
    } catch (e) {
      // Malformed: no names.
    }
  }
  if (namesCache.size >= NAMES_CACHE_MAX) namesCache.delete(namesCache.keys().next().value as string);
  namesCache.set(path, names);
  return names;
}

function dockerNames(json: unknown): Map<string, string> {
  const names = new Map<string, string>();
  const o = json as { ID?: unknown; Name?: unknown } | null;
  if (o && typeof o.ID === 'string' && typeof o.Name === 'string') {
    const name = o.Name.charAt(0) === '/' ? o.Name.slice(1) : o.Name;
    if (name) names.set(o.ID, name);
  }
  return names;
}

function podmanNames(json: unknown): Map<string, string> {
  const names = new Map<string, string>();
  if (!Array.isArray(json)) return names;
  for (const o of json as Array<{ id?: unknown; names?: unknown } | null>) {
    if (!o || typeof o.id !== 'string' || !Array.isArray(o.names)) continue;
    const name = o.names[0];
    if (typeof name === 'string' && name) names.set(o.id, name);
  }
  return names;
}

/** A regular file's text when it is at most `cap` bytes; null otherwise or on any error. */
function readCapped(path: string, cap: number): string | null {
  let fd: number;
  try {
    // Non-blocking, so that a FIFO put in the state's place cannot hang the scan.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > cap) return null;
    // One byte more than the size tells a file that grew while read.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, null as unknown as number);
      if (n === 0) break;
      got += n;
    }
    return got > st.size ? null : buf.toString('utf8', 0, got);
  } catch (e) {
    return null;
  } finally {
    try { fs.closeSync(fd); } catch (e) { /* already closed */ }
  }
}

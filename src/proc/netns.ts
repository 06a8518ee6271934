// Network namespaces: /proc/<pid>/ns/net is a link "net:[<inode>]" naming
// the namespace a process lives in, and /proc/<pid>/net/* are the tables of
// that namespace. /run/netns/NAME (what `ip netns add` makes) is a bind
// mount of the namespace file, whose inode is the same number.
//
// A namespace is named here by that inode, as decimal text ("4026531840").
// A tree without ns links (an old snapshot, a fixture) has no names: every
// reader then answers null, and the caller reads <root>/net as one namespace.
import fs = require('fs');
import { listNumeric } from './pid';

/** Parses "net:[N]"; returns N, or null for any other text. */
export function parseNetnsLink(link: string): string | null {
  const m = /^net:\[([0-9]{1,20})\]$/.exec(link);
  return m ? m[1] : null;
}

/** The namespace of process `pid` under root (or of `self`), null when its link cannot be read. */
export function readNetns(root: string, pid: number | 'self'): string | null {
  try {
    return parseNetnsLink(fs.readlinkSync(root + '/' + pid + '/ns/net'));
  } catch (e) {
    return null;
  }
}

/** The namespaces under root, each with the lowest pid through which its tables can be read. */
export interface NetnsMap {
  /** Namespace -> its first member, in ascending namespace order of first member (pids ascend). */
  members: Map<string, number>;
  /** Processes whose ns link could not be read (gone, or closed to this uid). */
  unreadable: number;
}

/** Reads the ns link of every process under root (or of `pids`), once. */
export function listNetns(root: string, pids: number[] = listNumeric(root)): NetnsMap {
  const members = new Map<string, number>();
  let unreadable = 0;
  for (let i = 0; i < pids.length; i++) {
    let link: string;
    try {
      link = fs.readlinkSync(root + '/' + pids[i] + '/ns/net');
    } catch (e) {
      // Refused is a namespace we cannot tell apart; gone, a zombie, or a tree without links is no loss.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') unreadable++;
      continue;
    }
    const ns = parseNetnsLink(link);
    if (ns !== null && !members.has(ns)) members.set(ns, pids[i]);
  }
  return { members, unreadable };
}

/** A --netns argument that names no namespace: the message is the one line to print (exit 2). */
export class NetnsError extends Error {}

/** What --netns asks for: every namespace, or one, by its inode. */
export type NetnsChoice = { all: true } | { all: false; netns: string; via: string };

/**
 * Resolves --netns: "all"; "pid:PID" (that process's namespace under root);
 * a path to a namespace file (has a '/'); or a name under /run/netns. A
 * file must be an nsfs file, as /proc/self/ns/net is, so that a regular
 * file's inode is never taken for a namespace. Throws NetnsError.
 */
export function resolveNetns(spec: string, root: string, runNetns: string = '/run/netns'): NetnsChoice {
  if (spec === 'all') return { all: true };
  const pid = /^pid:(.*)$/.exec(spec);
  if (pid) {
    if (!/^[0-9]{1,8}$/.test(pid[1]) || +pid[1] < 1) {
      throw new NetnsError('Expected --netns pid:PID with a PID of 1 or more, got ' + JSON.stringify(spec));
    }
    const ns = readNetns(root, +pid[1]);
    if (ns === null) throw new NetnsError('cannot read the network namespace of pid ' + pid[1] + ' under ' + root + ' (no such process, or not allowed)');
    return { all: false, netns: ns, via: spec };
  }
  if (spec === '' || spec === '.' || spec === '..') {
    throw new NetnsError('Expected --netns all, NAME (under ' + runNetns + '), a namespace file or pid:PID, got ' + JSON.stringify(spec));
  }
  const path = spec.indexOf('/') >= 0 ? spec : runNetns + '/' + spec;
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NetnsError('no network namespace ' + JSON.stringify(spec) + ': ' + path + (code === 'ENOENT' ? ' does not exist' : ' cannot be read (' + code + ')'));
  }
  const nsfs = nsfsDevice();
  if (!st.isFile() || (nsfs !== null && st.dev !== nsfs)) {
    throw new NetnsError('Expected --netns to name a network namespace file, got ' + JSON.stringify(spec) + ' (' + path + ' is not one)');
  }
  return { all: false, netns: String(st.ino), via: spec };
}

/** The device of the namespace file system, from our own ns link; null when it cannot be read. */
function nsfsDevice(): number | null {
  try {
    return fs.statSync('/proc/self/ns/net').dev;
  } catch (e) {
    return null;
  }
}

// Runs the built bundle the way a user does. Every e2e test goes through here,
// so the cross-test script can run the same suites under another Node or
// under QEMU by setting PORTOWN_NODE, e.g.
//   PORTOWN_NODE="qemu-arm-static -L /cache/usr/arm-linux-gnueabihf /cache/node-armv7l/bin/node"
// Only the program under test changes; the test runner stays on the host's Node.
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as path from 'path';

/** The repository root (tests run from build/test/). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(ROOT, 'build', 'portown.js');
export const SERVER = path.join(ROOT, 'test', 'helpers', 'server.js');
export const FIXTURES = path.join(ROOT, 'fixtures');

/** The command that runs the bundle: PORTOWN_NODE split on blanks, or this Node. */
export function nodeCommand(): string[] {
  const v = (process.env.PORTOWN_NODE || '').trim();
  return v ? v.split(/\s+/) : [process.execPath];
}

/** Emulated targets are 10-25x slower: scale every timeout by this. */
export function timeoutScale(): number {
  const v = Number(process.env.PORTOWN_TIMEOUT_SCALE || '');
  return v > 0 ? v : process.env.PORTOWN_NODE ? 20 : 1;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as raw bytes, for checks on control characters. */
  raw: Buffer;
}

export interface RunOptions {
  env?: { [k: string]: string | undefined };
  uid?: number;
  gid?: number;
  /** Run this file instead of the bundle (e.g. a symlink named netstat). */
  script?: string;
  timeoutMs?: number;
  input?: string;
  /** Flags for node itself, before the script (e.g. --max-old-space-size=16). */
  nodeArgs?: string[];
  /** A command that runs the bundle, e.g. ['setpriv', '--bounding-set=-sys_ptrace', '--inh-caps=-sys_ptrace']. */
  wrap?: string[];
}

/** Runs `node build/portown.js ...args` (through PORTOWN_NODE when set). */
export function portown(args: string[], opts: RunOptions = {}): Run {
  const [cmd, ...pre] = nodeCommand();
  const o: SpawnSyncOptions = {
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    timeout: (opts.timeoutMs || 20000) * timeoutScale(),
    maxBuffer: 256 << 20,
    input: opts.input,
  };
  if (opts.uid !== undefined) o.uid = opts.uid;
  if (opts.gid !== undefined) o.gid = opts.gid;
  const argv = [cmd, ...pre, ...(opts.nodeArgs || []), opts.script || BUNDLE, ...args];
  if (opts.wrap) argv.unshift(...opts.wrap);
  const r = spawnSync(argv[0], argv.slice(1), o);
  if (r.error) throw r.error;
  const raw = r.stdout as Buffer;
  return { code: r.status === null ? -1 : r.status, stdout: raw.toString('utf8'), stderr: (r.stderr as Buffer).toString('utf8'), raw };
}

/** Runs portown with --json and parses the array. */
export function portownJson(args: string[], opts: RunOptions = {}): { code: number; data: any[]; stderr: string } {
  const r = portown([...args, '--json'], opts);
  let data: any[];
  try {
    data = JSON.parse(r.stdout);
  } catch (e) {
    throw new Error('portown ' + args.join(' ') + ' --json printed invalid JSON (exit ' + r.code + '): ' + r.stdout.slice(0, 500) + r.stderr);
  }
  return { code: r.code, data, stderr: r.stderr };
}

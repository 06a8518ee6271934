// Real processes with sockets on loopback, for the live tests.
// Each is test/helpers/server.js running on the host's Node.
import { ChildProcess, spawn } from 'child_process';
import { SERVER } from './cli';

export interface SocketInfo {
  kind: 'tcp' | 'udp' | 'udpConnected' | 'client' | 'unix' | 'accepted';
  address?: string;
  port?: number;
  path?: string;
  fd: number;
}

export interface Listener {
  pid: number;
  sockets: SocketInfo[];
  /** pids of the `sleep` children that share a socket (see the "share" step). */
  children: number[];
  proc: ChildProcess;
  stop(): void;
}

const live = new Set<Listener>();

/**
 * Starts server.js with these steps; resolves once every socket is open.
 * `wrap` runs it through a command that execs it, e.g. into a network
 * namespace: ['ip', 'netns', 'exec', NAME] or ['unshare', '--net', '--'].
 */
export function startServer(steps: object[], opts: { uid?: number; gid?: number; wrap?: string[] } = {}): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const argv = (opts.wrap || []).concat([process.execPath, '--no-deprecation', SERVER, JSON.stringify(steps)]);
    const proc = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      uid: opts.uid,
      gid: opts.gid,
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('server did not start in 60 s: ' + err)); }, 60000);
    proc.stderr!.on('data', (d) => { err += d; });
    proc.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const info = JSON.parse(out.slice(0, nl));
      const l: Listener = {
        pid: info.pid, sockets: info.sockets, children: info.children, proc,
        stop() {
          live.delete(l);
          try { proc.kill('SIGTERM'); } catch (e) { /* gone */ }
          for (const c of info.children as number[]) { try { process.kill(c, 'SIGKILL'); } catch (e) { /* gone */ } }
        },
      };
      live.add(l);
      resolve(l);
    });
    proc.on('exit', (code) => { clearTimeout(timer); if (!out.includes('\n')) reject(new Error('server exited ' + code + ': ' + err)); });
  });
}

export function stopAll() {
  for (const l of Array.from(live)) l.stop();
}

process.on('exit', stopAll);

// Containers, live: what a host port's holder says about the container
// behind it. A forwarder like Docker's docker-proxy holds the host port and
// names its target on its command line.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import { portown, portownJson } from './helpers/cli';
import { command, needs } from './helpers/needs';

const C = suite('containers e2e');
const BASH = command('bash', 'bash');

/** A process that calls itself docker-proxy (argv[0]) and listens on the host port, as the real one does. */
function fakeProxy(port: number): Promise<{ pid: number; stop(): void }> {
  const listen = 'require("net").createServer().listen(+process.argv[process.argv.indexOf("-host-port") + 1], "127.0.0.1", () => console.log("up"))';
  const argv = ['-e', listen, '--', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', String(port), '-container-ip', '172.17.0.2', '-container-port', '80'];
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

C.run();

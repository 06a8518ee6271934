// Port forwarders of container runtimes: a host port held by a process whose
// command line names where it forwards to. Docker's userland proxy is one:
//   /usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 \
//     -container-ip 172.17.0.2 -container-port 80
// The holder of the host port is then docker-proxy, but what the user wants
// is the container behind it. Other forwarders (rootlessport, slirp4netns,
// DNAT with no listener at all) do not name their target on the command line.

import { ForwardTarget } from '../types';

/** Where a forwarder sends a host port's connections. */
export interface Forward extends ForwardTarget {
  /** The forwarder, as its argv[0] basename. */
  via: string;
}

const DOCKER_PROXY = Buffer.from('docker-proxy', 'latin1');

/** Whether argv[0] (cmdline[0, argv0Len)) is docker-proxy or ends in /docker-proxy: checked on the bytes, as nearly every holder is not. */
function isDockerProxy(cmdline: Uint8Array, argv0Len: number): boolean {
  const n = DOCKER_PROXY.length;
  if (argv0Len < n || argv0Len > cmdline.length || (argv0Len > n && cmdline[argv0Len - n - 1] !== 0x2f)) return false;
  for (let i = 0; i < n; i++) if (cmdline[argv0Len - n + i] !== DOCKER_PROXY[i]) return false;
  return true;
}

/**
 * The target named by a forwarder's command line (NULs already spaces;
 * argv[0] is its first argv0Len bytes), or null for any other process.
 */
export function forwardOf(cmdline: Uint8Array, argv0Len: number): Forward | null {
  if (!isDockerProxy(cmdline, argv0Len)) return null;
  const args = Buffer.from(cmdline.buffer, cmdline.byteOffset, cmdline.length).toString('latin1').split(' ');
  const via = 'docker-proxy';
  const flag = (name: string): string | null => {
    for (let i = 1; i < args.length; i++) {
      if (args[i] === '-' + name || args[i] === '--' + name) return i + 1 < args.length ? args[i + 1] : null;
      const eq = args[i].indexOf('=');
      if (eq > 0 && (args[i].slice(0, eq) === '-' + name || args[i].slice(0, eq) === '--' + name)) return args[i].slice(eq + 1);
    }
    return null;
  };
  const address = flag('container-ip');
  const port = flag('container-port');
  if (address === null || port === null || !/^[0-9]{1,5}$/.test(port) || +port < 1 || +port > 65535) return null;
  const proto = flag('proto') || 'tcp';
  if (!/^[0-9a-fA-F.:]+$/.test(address) || !/^(tcp|udp|sctp)$/.test(proto)) return null;
  return { via, proto, address, port: +port };
}

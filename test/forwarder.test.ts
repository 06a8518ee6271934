import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { forwardOf } from '../src/text/forwarder';

const F = suite('forwarder');
const cmd = (s: string) => Buffer.from(s, 'latin1');
/** forwardOf of a command line whose argv[0] is its first word, as the scan hands it over. */
const forwardOfText = (s: string) => forwardOf(cmd(s), s.indexOf(' ') < 0 ? s.length : s.indexOf(' '));

F("docker-proxy's target: the container's address and port, and the protocol", () => {
  assert.equal(forwardOfText('/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80'),
    { via: 'docker-proxy', proto: 'tcp', address: '172.17.0.2', port: 80 });
  assert.equal(forwardOfText('docker-proxy -proto udp -host-ip :: -host-port 53 -container-ip fd00::2 -container-port 5353'),
    { via: 'docker-proxy', proto: 'udp', address: 'fd00::2', port: 5353 });
  assert.equal(forwardOfText('/usr/libexec/docker/docker-proxy --container-ip=10.0.0.9 --container-port=443'),
    { via: 'docker-proxy', proto: 'tcp', address: '10.0.0.9', port: 443 }, 'the flag=value form, and tcp by default');
});

F('no target named, or not a forwarder: nothing, never a guess', () => {
  assert.is(forwardOfText('/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080'), null);
  assert.is(forwardOfText('/usr/bin/docker-proxy -container-ip 172.17.0.2 -container-port 99999'), null);
  assert.is(forwardOfText('/usr/bin/docker-proxy -container-ip $(reboot) -container-port 80'), null);
  assert.is(forwardOfText('nginx: master process -container-ip 172.17.0.2 -container-port 80'), null);
  assert.is(forwardOfText('rootlessport'), null);
  assert.is(forwardOfText('/usr/bin/not-docker-proxy -container-ip 172.17.0.2 -container-port 80'), null, 'a name that only ends like it');
  assert.is(forwardOf(cmd('docker-proxy -container-ip 172.17.0.2 -container-port 80'), 3), null, 'argv[0] is what the scan says it is');
  assert.is(forwardOfText('docker-proxy -proto \x1b[2J -container-ip 172.17.0.2 -container-port 80'), null, 'a protocol that is none');
  assert.is(forwardOfText(''), null);
});

F.run();

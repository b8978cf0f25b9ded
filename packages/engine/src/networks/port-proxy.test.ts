import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { holdPort } from './port-proxy.js';

describe('holdPort', () => {
  it('picks an ephemeral port, forwards TCP to the target and refuses a port in use', async () => {
    const target = net.createServer((s) => s.end('from target\n')).listen(0, '127.0.0.1');
    await new Promise((r) => target.once('listening', r));
    const targetPort = (target.address() as net.AddressInfo).port;
    const held = await holdPort({ proto: 'tcp', containerPort: targetPort, hostIp: '127.0.0.1', hostPort: 0 }, { ip: '127.0.0.1' });
    try {
      expect(held.mapping.hostPort).toBeGreaterThan(0);
      const reply = await new Promise<string>((resolve, reject) => {
        let data = '';
        net.connect(held.mapping.hostPort, '127.0.0.1').on('data', (d) => (data += d)).on('end', () => resolve(data)).on('error', reject);
      });
      expect(reply).toBe('from target\n');
      await expect(holdPort({ ...held.mapping }, { ip: '127.0.0.1' })).rejects.toThrow(`Bind for 127.0.0.1:${held.mapping.hostPort}/tcp failed: port is already allocated`);
    } finally {
      await held.close();
      target.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { jumpRules, renderRules, staleJumpRules } from './nat-rules.js';

describe('nat rules', () => {
  it('masquerades outbound traffic, isolates internal networks and DNATs published ports', () => {
    const text = renderRules('ab12cd34', [
      { bridge: 'bab12cd34-1', subnet: '172.18.0.0/16', internal: false },
      { bridge: 'bab12cd34-2', subnet: '172.19.0.0/16', internal: true },
    ], [{ ip: '172.18.0.2', ports: [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }, { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 5353 }] }]);
    expect(text.split('\n')).toEqual([
      '*nat',
      ':BERTH-ab12cd34-DNAT - [0:0]',
      ':BERTH-ab12cd34-POST - [0:0]',
      '-A BERTH-ab12cd34-DNAT -i bab12cd34-1 -j RETURN',
      '-A BERTH-ab12cd34-POST -s 127.0.0.0/8 -o bab12cd34-1 -j MASQUERADE',
      '-A BERTH-ab12cd34-POST -s 172.18.0.0/16 ! -o bab12cd34-1 -j MASQUERADE',
      '-A BERTH-ab12cd34-DNAT -i bab12cd34-2 -j RETURN',
      '-A BERTH-ab12cd34-POST -s 127.0.0.0/8 -o bab12cd34-2 -j MASQUERADE',
      '-A BERTH-ab12cd34-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80',
      '-A BERTH-ab12cd34-DNAT -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.18.0.2:53',
      'COMMIT',
      '*filter',
      ':BERTH-ab12cd34-FWD - [0:0]',
      ':BERTH-ab12cd34-IN - [0:0]',
      '-A BERTH-ab12cd34-IN -d 127.0.0.0/8 -i bab12cd34-1 -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP',
      '-A BERTH-ab12cd34-FWD -i bab12cd34-1 -j ACCEPT',
      '-A BERTH-ab12cd34-FWD -o bab12cd34-1 -j ACCEPT',
      '-A BERTH-ab12cd34-IN -d 127.0.0.0/8 -i bab12cd34-2 -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP',
      '-A BERTH-ab12cd34-FWD -i bab12cd34-2 ! -o bab12cd34-2 -j DROP',
      '-A BERTH-ab12cd34-FWD -o bab12cd34-2 ! -i bab12cd34-2 -j DROP',
      'COMMIT',
      '',
    ]);
  });

  it('jumps into its own chains only', () => {
    expect(jumpRules('ab12cd34').map(([, , rule]) => rule.at(-1))).toEqual(['BERTH-ab12cd34-DNAT', 'BERTH-ab12cd34-DNAT', 'BERTH-ab12cd34-POST', 'BERTH-ab12cd34-FWD', 'BERTH-ab12cd34-IN']);
  });

  it('sends the host\'s own traffic to local addresses, 127.0.0.0/8 included, through DNAT', () => {
    const output = jumpRules('ab12cd34').filter(([table, chain]) => table === 'nat' && chain === 'OUTPUT');
    expect(output).toEqual([['nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'BERTH-ab12cd34-DNAT']]]);
    const stale = staleJumpRules('ab12cd34').map((r) => JSON.stringify(r));
    expect(stale).toHaveLength(2);
    for (const rule of jumpRules('ab12cd34')) expect(stale).not.toContain(JSON.stringify(rule));
  });
});

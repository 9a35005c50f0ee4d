import { describe, expect, it } from 'vitest';
import { hostAllowlist } from '../../src/dashboard/host-allowlist.ts';

const interfaces = () => ['127.0.0.1', '192.168.1.20', '::1', 'fe80::1'];

describe('hostAllowlist', () => {
  it('allows the loopback names and the bound address with the bound port only', () => {
    const list = hostAllowlist({ boundAddress: '127.0.0.1', port: 3000, interfaceAddresses: interfaces });
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LocalHost:3000', '[::1]:3000'])
      expect(list.allows(host), host).toBe(true);
    for (const host of ['127.0.0.1', 'localhost', '127.0.0.1:3001', '192.168.1.20:3000', 'attacker.example:3000', ''])
      expect(list.allows(host), host).toBe(false);
  });

  it('stands a wildcard bind for every interface address: IPv4 ones for 0.0.0.0, all for ::', () => {
    const v4 = hostAllowlist({ boundAddress: '0.0.0.0', port: 3000, interfaceAddresses: interfaces });
    expect(v4.allows('192.168.1.20:3000')).toBe(true);
    expect(v4.allows('[fe80::1]:3000')).toBe(false);
    expect(v4.allows('0.0.0.0:3000')).toBe(false);
    const all = hostAllowlist({ boundAddress: '::', port: 3000, interfaceAddresses: interfaces });
    expect(all.allows('192.168.1.20:3000')).toBe(true);
    expect(all.allows('[fe80::1]:3000')).toBe(true);
  });

  it('allows an extra name alone and with the bound port, and an extra name:port only with that port', () => {
    const list = hostAllowlist({
      boundAddress: '127.0.0.1',
      port: 3000,
      extra: ['Dash.Example.com', 'tunnel.example:8443', '[fd00::5]'],
      interfaceAddresses: interfaces,
    });
    for (const host of [
      'dash.example.com',
      'dash.example.com:3000',
      'tunnel.example:8443',
      '[fd00::5]',
      '[fd00::5]:3000',
    ])
      expect(list.allows(host), host).toBe(true);
    for (const host of ['dash.example.com:8080', 'tunnel.example', 'tunnel.example:3000', 'x.dash.example.com'])
      expect(list.allows(host), host).toBe(false);
  });
});

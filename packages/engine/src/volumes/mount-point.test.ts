import { describe, expect, it } from 'vitest';
import { toMountPoint } from './mount-point.js';

describe('toMountPoint', () => {
  it('shows volumes with name and driver, binds and tmpfs without, in dockerd key order', () => {
    const volume = toMountPoint({ type: 'volume', name: 'v', source: '/d/volumes/v/_data', destination: '/data', driver: 'local', mode: 'z', rw: true, propagation: '' });
    expect(JSON.stringify(volume)).toBe('{"Type":"volume","Name":"v","Source":"/d/volumes/v/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}');
    const bind = toMountPoint({ type: 'bind', source: '/srv', destination: '/srv', mode: 'ro', rw: false, propagation: 'rprivate', createSource: true });
    expect(JSON.stringify(bind)).toBe('{"Type":"bind","Source":"/srv","Destination":"/srv","Mode":"ro","RW":false,"Propagation":"rprivate"}');
    expect(toMountPoint({ type: 'tmpfs', source: '', destination: '/t', mode: '', rw: true, propagation: '', tmpfsOptions: 'size=1m' }))
      .toEqual({ Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' });
  });
});

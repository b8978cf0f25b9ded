import type { Volume } from '@berth/sdk';
import type { VolumeInfo } from './volume-service.js';

/** A volume as `docker volume inspect` and `ls` show it. */
export function toVolume(v: VolumeInfo): Volume {
  return {
    CreatedAt: v.created.toISOString().replace(/\.\d+Z$/, 'Z'),
    Driver: v.driver,
    Labels: v.labels,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: v.options,
    Scope: 'local',
  };
}

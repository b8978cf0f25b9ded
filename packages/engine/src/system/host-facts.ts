import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** Facts about the host that `docker info` and `docker version` show, read once at start. */
export interface HostFacts {
  engineId: string;
  kernelVersion: string;
  operatingSystem: string;
  osVersion: string;
  cgroupVersion: '1' | '2';
  ncpu: number;
  memTotal: number;
  hostname: string;
}

export async function readHostFacts(dataRoot: string): Promise<HostFacts> {
  const osRelease = await fs.readFile('/etc/os-release', 'utf8').catch(() => '');
  const field = (key: string): string => new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1] ?? '';
  const cgroupV2 = await fs.access('/sys/fs/cgroup/cgroup.controllers').then(() => true, () => false);
  return {
    engineId: await engineId(dataRoot),
    kernelVersion: os.release(),
    operatingSystem: field('PRETTY_NAME') || 'Linux',
    osVersion: field('VERSION_ID'),
    cgroupVersion: cgroupV2 ? '2' : '1',
    ncpu: os.cpus().length,
    memTotal: os.totalmem(),
    hostname: os.hostname(),
  };
}

/** A stable identity for this engine, kept in its data root. */
async function engineId(dataRoot: string): Promise<string> {
  const file = path.join(dataRoot, 'engine-id');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const id = randomUUID();
    await fs.writeFile(file, id + '\n', { mode: 0o600 });
    return id;
  }
}

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EngineError } from '../errors.js';
import type { VolumeRow, VolumeTable } from '../store/engine-store.js';
import type { VolumeHost } from './volume-host.js';
import { VolumeService } from './volume-service.js';

/** An in-memory volume table with the store's contract. */
export function memoryVolumeTable(): VolumeTable & { rows: Map<string, VolumeRow> } {
  const rows = new Map<string, VolumeRow>();
  return {
    rows,
    all: async () => [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    insert: async (row) => {
      if (rows.has(row.name)) throw new EngineError('CONFLICT', `volume ${row.name} already exists`);
      rows.set(row.name, row);
    },
    delete: async (name) => {
      if (!rows.delete(name)) throw new EngineError('NOT_FOUND', `get ${name}: no such volume`);
    },
  };
}

/** A host whose mounts are only remembered. */
export function fakeVolumeHost(): VolumeHost & { mounted: Set<string>; calls: string[][] } {
  const mounted = new Set<string>();
  const calls: string[][] = [];
  return {
    mounted,
    calls,
    async mount(args) {
      calls.push(['mount', ...args]);
      mounted.add(args.at(-1)!);
    },
    async unmount(target) {
      calls.push(['umount', target]);
      mounted.delete(target);
    },
    isMounted: async (target) => mounted.has(target),
  };
}

/** A volume service on a temporary root, with its fakes and a settable list of container users. */
export async function testVolumeService() {
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'berth-volumes-')), 'volumes');
  const table = memoryVolumeTable();
  const host = fakeVolumeHost();
  const users = new Map<string, { id: string; running: boolean }[]>();
  const volumes = new VolumeService({ root, table, host, containersUsing: (name) => users.get(name) ?? [], logger: pino({ level: 'silent' }) });
  await volumes.init();
  return { root, table, host, users, volumes };
}

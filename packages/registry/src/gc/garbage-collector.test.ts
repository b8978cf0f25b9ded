import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import { startGarbageCollector } from './garbage-collector.js';
import { openTestStores, type TestStores } from './gc-test-stores.js';

// A few milliseconds between collections, no grace period.
const GC = { intervalMinutes: 0.0002, gracePeriodMinutes: 0, uploadMaxAgeMinutes: 60 };

interface LogLine {
  level: number;
  msg: string;
  component?: string;
  [key: string]: unknown;
}

let s: TestStores;
let lines: LogLine[];
let logger: pino.Logger;
beforeEach(async () => {
  s = await openTestStores();
  lines = [];
  logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
});
afterEach(async () => s.close());

async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The metadata with one method replaced. */
function replacing<K extends keyof RegistryMetadata>(key: K, replacement: (original: RegistryMetadata[K]) => RegistryMetadata[K]): RegistryMetadata {
  const original = (s.metadata[key] as (...a: unknown[]) => unknown).bind(s.metadata) as RegistryMetadata[K];
  return new Proxy(s.metadata, { get: (target, prop) => (prop === key ? replacement(original) : Reflect.get(target, prop)) });
}

const collections = () => lines.filter((l) => l.msg === 'garbage collection');

describe('startGarbageCollector', () => {
  it('collects on schedule and logs one line per collection with its counts', async () => {
    const loose = await s.pushBlob('app');
    const collector = startGarbageCollector(s, GC, logger);
    await until('a collection that removed the blob', () => collections().some((l) => l.blobs === 1));
    await until('another collection', () => collections().length >= 3);
    await collector.stop();
    expect(await s.metadata.blob(loose)).toBeNull();
    for (const line of collections()) {
      expect(line).toMatchObject({ level: 30, component: 'gc', dryRun: false });
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['manifests', 'blobs', 'orphans', 'uploads', 'bytesFreed', 'durationMs']));
    }
  });

  it('never runs two collections at once, and stop waits for the running one', async () => {
    let active = 0;
    let most = 0;
    let calls = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const metadata = replacing('unreferencedManifests', (original) => async (before) => {
      active++;
      most = Math.max(most, active);
      calls++;
      try {
        if (calls === 3) await gate;
        return await original(before);
      } finally {
        active--;
      }
    });
    const collector = startGarbageCollector({ blobs: s.blobs, metadata }, GC, logger);
    await until('the third collection to start', () => calls === 3);
    let stopped = false;
    const stopping = collector.stop().then(() => (stopped = true));
    await sleep(50);
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(most).toBe(1);
    expect(lines.at(-1)).toMatchObject({ msg: 'garbage collection stopped' });
  });

  it('logs a failed collection and carries on with the next', async () => {
    let calls = 0;
    const metadata = replacing('unreferencedBlobs', (original) => async (before) => {
      if (++calls === 1) throw new Error('database went away');
      return original(before);
    });
    const collector = startGarbageCollector({ blobs: s.blobs, metadata }, GC, logger);
    await until('a collection after the failure', () => collections().length >= 1);
    await collector.stop();
    const failure = lines.find((l) => l.level === 50);
    expect(failure).toMatchObject({ msg: expect.stringContaining('garbage collection failed'), component: 'gc', err: { message: 'database went away' } });
    expect(lines.indexOf(failure!)).toBeLessThan(lines.indexOf(collections()[0]!));
  });
});

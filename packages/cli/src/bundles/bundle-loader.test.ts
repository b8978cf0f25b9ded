import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleLoader } from './bundle-loader.js';
import { bundleKey } from './bundle-key.js';

let dir: string;
let cacheDir: string;
const cacheFiles = (): string[] => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bundles-'));
  cacheDir = path.join(dir, 'cache');
  fs.mkdirSync(path.join(dir, 'commands'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeBundle(name: string, source: string, mtime?: Date): void {
  const file = path.join(dir, 'commands', `${name}.cjs`);
  fs.writeFileSync(file, source);
  if (mtime) fs.utimesSync(file, mtime, mtime);
}

const load = (name: string, cache = cacheDir) => {
  const loader = new BundleLoader({ dir: path.join(dir, 'commands'), cacheDir: cache });
  const exports = loader.load(name);
  loader.saveCaches();
  return exports;
};

describe('BundleLoader', () => {
  it('runs a CommonJS bundle with its own require, __filename and #! line, and writes one code cache', () => {
    writeBundle('ps', '#!/usr/bin/env node\n"use strict";exports.answer = () => 42; exports.file = __filename; exports.sep = require("node:path").sep;');
    const first = load('ps') as { answer: () => number; file: string; sep: string };
    expect(first.answer()).toBe(42);
    expect(first.file).toBe(path.join(dir, 'commands', 'ps.cjs'));
    expect(first.sep).toBe('/');
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).toMatch(/^ps-[0-9a-f]{16}\.v8$/);
    const again = load('ps') as { answer: () => number };
    expect(again.answer()).toBe(42);
    expect(cacheFiles()).toHaveLength(1);
  });

  it('never runs an old build from the cache: a rebuilt bundle of the same length gets a new cache', () => {
    writeBundle('ps', 'exports.v = "one";', new Date(1_700_000_000_000));
    expect(load('ps').v).toBe('one');
    const before = cacheFiles();
    writeBundle('ps', 'exports.v = "two";', new Date(1_700_000_100_000));
    expect(load('ps').v).toBe('two');
    const after = cacheFiles();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it('compiles normally when the cache file is garbage, and replaces it', () => {
    // A source this process has not compiled yet: V8's in-memory cache would skip the file.
    writeBundle('ps', `exports.v = 7; // ${Date.now()}`);
    const file = path.join(dir, 'commands', 'ps.cjs');
    const cacheFile = path.join(cacheDir, `ps-${bundleKey(file, fs.statSync(file))}.v8`);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cacheFile, 'not a code cache');
    expect(load('ps').v).toBe(7);
    expect(fs.readFileSync(cacheFile).toString()).not.toBe('not a code cache');
  });

  it('works without a cache directory, or with one it cannot create', () => {
    writeBundle('ps', 'exports.v = 1;');
    expect(load('ps', undefined).v).toBe(1);
    fs.writeFileSync(path.join(dir, 'file'), '');
    expect(load('ps', path.join(dir, 'file', 'cache')).v).toBe(1);
  });

  it('names the missing bundle', () => {
    expect(() => load('nope')).toThrow(/nope\.cjs.*rebuild or reinstall/);
  });
});

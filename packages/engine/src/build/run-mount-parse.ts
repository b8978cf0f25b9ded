import path from 'node:path';
import { EngineError } from '../errors.js';

/** One `RUN --mount=…`, checked. */
export type RunMount =
  | { type: 'cache'; target: string; id: string; sharing: 'shared' | 'private' | 'locked'; readOnly: boolean; mode: number; uid: number; gid: number; from?: string; source?: string }
  | { type: 'bind'; target: string; source: string; from?: string; readOnly: boolean }
  | { type: 'tmpfs'; target: string; size?: number };

const KEYS: Record<string, Set<string>> = {
  cache: new Set(['type', 'target', 'id', 'sharing', 'mode', 'uid', 'gid', 'readonly', 'from', 'source']),
  bind: new Set(['type', 'target', 'source', 'from', 'readonly', 'readwrite']),
  tmpfs: new Set(['type', 'target', 'size']),
};
const ALIASES: Record<string, string> = { dst: 'target', destination: 'target', src: 'source', ro: 'readonly', rw: 'readwrite' };

function bad(spec: string, what: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `RUN --mount=${spec}: ${what}`);
}

function flag(spec: string, key: string, value: string | undefined): boolean {
  if (value === undefined || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw bad(spec, `invalid value ${value} for ${key}; use true or false`);
}

function number(spec: string, key: string, value: string, base = 10): number {
  const n = Number.parseInt(value, base);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw bad(spec, `invalid value ${value} for ${key}; use a ${base === 8 ? 'octal mode such as 0755' : 'number'}`);
  return n;
}

/** Parses the value of `RUN --mount=` (comma-separated `key=value`, BuildKit's names and defaults). */
export function parseRunMount(spec: string, workdir: string): RunMount {
  const opts = new Map<string, string | undefined>();
  for (const part of spec.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const raw = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const key = ALIASES[raw] ?? raw;
    let value = eq < 0 ? undefined : part.slice(eq + 1);
    if (value !== undefined && /^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    opts.set(key, value);
  }
  const type = opts.get('type') ?? 'bind';
  if (type === 'secret' || type === 'ssh') throw new EngineError('NOT_IMPLEMENTED', `RUN --mount=${spec}: mounts of type ${type} are not supported by this builder; use type=bind, cache or tmpfs`);
  const allowed = KEYS[type];
  if (!allowed) throw bad(spec, `unknown mount type ${type}; use bind, cache or tmpfs`);
  for (const key of opts.keys()) if (!allowed.has(key)) throw bad(spec, `unknown option ${key} for a ${type} mount`);
  const rawTarget = opts.get('target');
  if (!rawTarget) throw bad(spec, 'a target is required (target=/path)');
  const target = path.posix.resolve(workdir || '/', rawTarget);
  if (target === '/') throw bad(spec, 'the target must not be /');
  const from = opts.get('from');
  const source = opts.get('source');
  switch (type) {
    case 'cache': {
      const sharing = opts.get('sharing') ?? 'shared';
      if (sharing !== 'shared' && sharing !== 'private' && sharing !== 'locked') throw bad(spec, `invalid sharing ${sharing}; use shared, private or locked`);
      if (from !== undefined || source !== undefined) throw new EngineError('NOT_IMPLEMENTED', `RUN --mount=${spec}: seeding a cache mount with from/source is not supported; leave them out`);
      return {
        type, target, sharing,
        id: opts.get('id') || target,
        readOnly: flag(spec, 'readonly', opts.has('readonly') ? opts.get('readonly') : 'false'),
        mode: opts.has('mode') ? number(spec, 'mode', opts.get('mode') ?? '', 8) : 0o755,
        uid: opts.has('uid') ? number(spec, 'uid', opts.get('uid') ?? '') : 0,
        gid: opts.has('gid') ? number(spec, 'gid', opts.get('gid') ?? '') : 0,
      };
    }
    case 'bind': {
      const rw = opts.has('readwrite') && flag(spec, 'readwrite', opts.get('readwrite'));
      const ro = opts.has('readonly') ? flag(spec, 'readonly', opts.get('readonly')) : !rw;
      return { type, target, source: source ?? '/', ...(from ? { from } : {}), readOnly: ro && !rw };
    }
    default: {
      const size = opts.get('size');
      return { type: 'tmpfs', target, ...(size !== undefined ? { size: parseSize(spec, size) } : {}) };
    }
  }
}

function parseSize(spec: string, text: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(text);
  if (!m) throw bad(spec, `invalid size ${text}; use bytes or a k/m/g suffix`);
  return Number(m[1]) * 1024 ** ['', 'k', 'm', 'g'].indexOf(m[2]!.toLowerCase());
}

/** `RUN --network=`: the container's network mode. */
export function runNetworkMode(value: string | true | undefined, what = 'RUN --network'): string {
  if (value === undefined) return 'default';
  if (value === 'default' || value === 'none' || value === 'host') return value;
  throw new EngineError('INVALID_ARGUMENT', `${what}=${value === true ? '' : value}: unknown network mode; use default, none or host`);
}

/** `RUN --security=`: only the default sandbox. */
export function checkRunSecurity(value: string | true | undefined): void {
  if (value === undefined || value === 'sandbox') return;
  if (value === 'insecure') throw new EngineError('NOT_IMPLEMENTED', 'RUN --security=insecure is not supported by this builder; use --security=sandbox');
  throw new EngineError('INVALID_ARGUMENT', `RUN --security=${value === true ? '' : value}: unknown security mode; use sandbox`);
}

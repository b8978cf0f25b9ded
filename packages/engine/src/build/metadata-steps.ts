import type { ImageRuntimeConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { Instruction } from './dockerfile-parse.js';
import { type Lookup, expandWord, expandWords } from './shell-expand.js';

/** What a metadata-only instruction changes: the runtime config, and the history line it leaves. */
export interface MetadataChange {
  runtime: ImageRuntimeConfig;
  createdBy: string;
}

const NOP = '/bin/sh -c #(nop) ';

/** `K=V K2="v 2"` pairs, or the old `KEY value with spaces` form. */
export function keyValuePairs(ins: Instruction, lookup: Lookup, escape: string): Array<[string, string]> {
  const words = expandWords(ins.args, lookup, escape);
  if (words.length === 0) throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(ins.args.trim());
    if (!m || m[2]!.trim() === '') throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} names must be followed by a value: ${ins.args}`);
    return [[expandWord(m[1]!, lookup, escape), expandWord(m[2]!.trim(), lookup, escape)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} expects KEY=VALUE pairs, got ${JSON.stringify(w)}`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

export function setEnv(env: string[], key: string, value: string): string[] {
  return [...env.filter((e) => e.split('=')[0] !== key), `${key}=${value}`];
}

function goList(args: string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(' ')}]`;
}

/**
 * Applies ENV, LABEL, EXPOSE, CMD, ENTRYPOINT, USER, VOLUME, STOPSIGNAL, SHELL, ONBUILD, HEALTHCHECK and
 * MAINTAINER (WORKDIR and ARG are handled by the builder, which knows more).
 */
export function applyMetadata(
  ins: Instruction,
  current: ImageRuntimeConfig,
  lookup: Lookup,
  escape: string,
  cmdSetInStage: boolean,
): MetadataChange {
  const rt: ImageRuntimeConfig = structuredClone(current);
  const shell = rt.Shell ?? ['/bin/sh', '-c'];
  const commandOf = (): string[] => ins.json ?? [...shell, ins.args];
  switch (ins.cmd) {
    case 'ENV': {
      const pairs = keyValuePairs(ins, lookup, escape);
      let env = rt.Env ?? [];
      for (const [k, v] of pairs) env = setEnv(env, k, v);
      rt.Env = env;
      return { runtime: rt, createdBy: `${NOP} ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}` };
    }
    case 'LABEL': {
      const pairs = keyValuePairs(ins, lookup, escape);
      rt.Labels = { ...(rt.Labels ?? {}) };
      for (const [k, v] of pairs) rt.Labels[k] = v;
      return { runtime: rt, createdBy: `${NOP} LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}` };
    }
    case 'EXPOSE': {
      const ports = expandWords(ins.args, lookup, escape).map((p) => (p.includes('/') ? p.toLowerCase() : `${p}/tcp`));
      if (ports.length === 0) throw new EngineError('INVALID_ARGUMENT', 'EXPOSE requires at least one argument');
      for (const p of ports) if (!/^\d+(-\d+)?\/(tcp|udp|sctp)$/.test(p)) throw new EngineError('INVALID_ARGUMENT', `invalid containerPort: ${p.split('/')[0]}`);
      rt.ExposedPorts = { ...(rt.ExposedPorts ?? {}) };
      for (const p of ports) rt.ExposedPorts[p] = {};
      return { runtime: rt, createdBy: `${NOP} EXPOSE ${ports.join(' ')}` };
    }
    case 'CMD':
      rt.Cmd = commandOf();
      return { runtime: rt, createdBy: `${NOP} CMD ${goList(rt.Cmd)}` };
    case 'ENTRYPOINT':
      rt.Entrypoint = ins.args === '' ? null : commandOf();
      // An ENTRYPOINT resets a CMD inherited from the base image.
      if (!cmdSetInStage) rt.Cmd = null;
      return { runtime: rt, createdBy: `${NOP} ENTRYPOINT ${goList(rt.Entrypoint ?? [])}` };
    case 'USER': {
      const user = expandWord(ins.args, lookup, escape);
      if (!user) throw new EngineError('INVALID_ARGUMENT', 'USER requires exactly one argument');
      rt.User = user;
      return { runtime: rt, createdBy: `${NOP} USER ${user}` };
    }
    case 'VOLUME': {
      const vols = (ins.json ?? expandWords(ins.args, lookup, escape)).map((v) => expandWord(v, lookup, escape));
      if (vols.length === 0 || vols.some((v) => v.trim() === '')) throw new EngineError('INVALID_ARGUMENT', 'VOLUME specified can not be an empty string');
      rt.Volumes = { ...(rt.Volumes ?? {}) };
      for (const v of vols) rt.Volumes[v] = {};
      return { runtime: rt, createdBy: `${NOP} VOLUME ${goList(vols)}` };
    }
    case 'STOPSIGNAL':
      rt.StopSignal = expandWord(ins.args, lookup, escape);
      return { runtime: rt, createdBy: `${NOP} STOPSIGNAL ${rt.StopSignal}` };
    case 'SHELL':
      if (!ins.json || ins.json.length === 0) throw new EngineError('INVALID_ARGUMENT', 'SHELL requires the arguments to be in JSON form');
      rt.Shell = ins.json;
      return { runtime: rt, createdBy: `${NOP} SHELL ${goList(ins.json)}` };
    case 'ONBUILD': {
      const trigger = ins.args.trim();
      const word = trigger.split(/\s+/)[0]!.toUpperCase();
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(word)) throw new EngineError('INVALID_ARGUMENT', `${word} isn't allowed as an ONBUILD trigger`);
      rt.OnBuild = [...(rt.OnBuild ?? []), trigger];
      return { runtime: rt, createdBy: `${NOP} ONBUILD ${trigger}` };
    }
    case 'HEALTHCHECK':
      rt.Healthcheck = healthcheck(ins);
      return { runtime: rt, createdBy: `${NOP} HEALTHCHECK ${ins.args}` };
    default:
      throw new EngineError('INTERNAL', `${ins.cmd} is not a metadata instruction`);
  }
}

function healthcheck(ins: Instruction): unknown {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(ins.args.trim());
  const kind = m?.[1]?.toUpperCase();
  if (kind === 'NONE') return { Test: ['NONE'] };
  if (kind !== 'CMD') throw new EngineError('INVALID_ARGUMENT', 'HEALTHCHECK needs CMD or NONE');
  const rest = m![2]!.trim();
  let test: string[];
  try {
    const parsed: unknown = rest.startsWith('[') ? JSON.parse(rest) : null;
    test = Array.isArray(parsed) ? ['CMD', ...(parsed as string[])] : ['CMD-SHELL', rest];
  } catch {
    test = ['CMD-SHELL', rest];
  }
  const out: Record<string, unknown> = { Test: test };
  const durations: Record<string, string> = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' };
  for (const [flag, value] of Object.entries(ins.flags)) {
    if (flag === 'retries') out.Retries = Number(value);
    else if (durations[flag]) out[durations[flag]] = parseDuration(String(value));
    else throw new EngineError('INVALID_ARGUMENT', `unknown flag: --${flag}`);
  }
  return out;
}

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * units[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text === '') throw new EngineError('INVALID_ARGUMENT', `invalid duration ${JSON.stringify(text)}`);
  return Math.round(total);
}

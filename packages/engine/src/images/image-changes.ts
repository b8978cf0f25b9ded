import path from 'node:path/posix';
import type { ImageRuntimeConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';

/**
 * `docker import --change` / `docker commit --change`: Dockerfile instructions applied to an
 * image's runtime config. Exec (JSON) and shell forms as in a Dockerfile; no variable
 * expansion.
 */
export const CHANGE_INSTRUCTIONS = [
  'CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL',
] as const;

export type ChangeInstruction = (typeof CHANGE_INSTRUCTIONS)[number];

export interface ParsedChange {
  instruction: ChangeInstruction;
  /** The text after the keyword, trimmed. */
  args: string;
}

function invalid(message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', message);
}

/** Splits and validates each change line; throws before anything is read or written. */
export function parseChanges(lines: readonly string[]): ParsedChange[] {
  const result: ParsedChange[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    const keyword = m[1]!.toUpperCase();
    if (!(CHANGE_INSTRUCTIONS as readonly string[]).includes(keyword)) {
      throw invalid(`unknown instruction "${m[1]}" in --change: supported are ${CHANGE_INSTRUCTIONS.join(', ')}`);
    }
    const change: ParsedChange = { instruction: keyword as ChangeInstruction, args: m[2]!.trim() };
    applyChange({}, change, { cmdSet: false }); // validates the arguments
    result.push(change);
  }
  return result;
}

/** Applies parsed changes to a copy of `base` and returns it. */
export function applyChanges(base: ImageRuntimeConfig, changes: readonly ParsedChange[]): ImageRuntimeConfig {
  const config = structuredClone(base);
  const state = { cmdSet: false };
  for (const change of changes) applyChange(config, change, state);
  return config;
}

function applyChange(config: ImageRuntimeConfig, { instruction, args }: ParsedChange, state: { cmdSet: boolean }): void {
  const need = (): void => {
    if (args === '') throw invalid(`${instruction} requires at least one argument`);
  };
  switch (instruction) {
    case 'CMD':
      need();
      config.Cmd = commandForm(args);
      state.cmdSet = true;
      return;
    case 'ENTRYPOINT':
      need();
      config.Entrypoint = commandForm(args);
      // As in a Dockerfile: a new ENTRYPOINT drops an inherited CMD unless CMD was set here too.
      if (!state.cmdSet) config.Cmd = null;
      return;
    case 'ENV': {
      need();
      const env = [...(config.Env ?? [])];
      for (const [key, value] of keyValues(instruction, args)) {
        const i = env.findIndex((e) => e.split('=', 1)[0] === key);
        if (i >= 0) env[i] = `${key}=${value}`;
        else env.push(`${key}=${value}`);
      }
      config.Env = env;
      return;
    }
    case 'LABEL': {
      need();
      const labels = { ...(config.Labels ?? {}) };
      for (const [key, value] of keyValues(instruction, args)) labels[key] = value;
      config.Labels = labels;
      return;
    }
    case 'EXPOSE': {
      need();
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const word of words(args)) for (const port of exposedPorts(word)) ports[port] = {};
      config.ExposedPorts = ports;
      return;
    }
    case 'ONBUILD': {
      need();
      const trigger = /^\S+/.exec(args)![0].toUpperCase();
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger)) {
        throw invalid(`${trigger} isn't allowed as an ONBUILD trigger`);
      }
      config.OnBuild = [...(config.OnBuild ?? []), args];
      return;
    }
    case 'USER':
      need();
      config.User = args;
      return;
    case 'VOLUME': {
      need();
      const list = jsonArray(args) ?? words(args);
      const volumes = { ...(config.Volumes ?? {}) };
      for (const v of list) {
        if (v.trim() === '') throw invalid('VOLUME specified can not be an empty string');
        volumes[v] = {};
      }
      config.Volumes = volumes;
      return;
    }
    case 'WORKDIR':
      need();
      config.WorkingDir = path.resolve('/', config.WorkingDir || '/', args);
      return;
    case 'STOPSIGNAL':
      need();
      if (!/^(?:SIG)?[A-Z][A-Z0-9+-]*$|^[0-9]+$/i.test(args)) throw invalid(`invalid signal: ${args}`);
      config.StopSignal = args;
      return;
  }
}

/** Exec form (`["a","b"]`) or shell form wrapped in `/bin/sh -c`. */
function commandForm(args: string): string[] {
  return jsonArray(args) ?? ['/bin/sh', '-c', args];
}

/** A JSON array of strings, or undefined when the text is not one (Docker then uses shell form). */
function jsonArray(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** `k=v k2="v 2"` pairs, or the legacy `k value with spaces` single pair. */
function keyValues(instruction: string, args: string): [string, string][] {
  const first = /^\S+/.exec(args)![0];
  if (!first.includes('=')) {
    const value = args.slice(first.length).trim();
    if (instruction === 'ENV' && value === '') throw invalid(`ENV names can not be blank: ${args} needs a value`);
    return [[unquote(first), unquote(value)]];
  }
  return words(args).map((word) => {
    const eq = word.indexOf('=');
    if (eq === -1) throw invalid(`${instruction} ${args}: "${word}" must have the form key=value`);
    const key = word.slice(0, eq);
    if (key === '') throw invalid(`${instruction} names can not be blank`);
    return [key, word.slice(eq + 1)];
  });
}

/** Splits on unquoted whitespace and removes quotes and escapes, like the Dockerfile parser. */
export function words(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) cur += text[++i];
      else cur += c;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    }
  }
  if (quote) throw invalid(`unterminated quote in: ${text}`);
  if (inWord) out.push(cur);
  return out;
}

/** One quoted or escaped word loses its quotes; anything else is kept as written. */
function unquote(text: string): string {
  const list = words(text);
  return list.length === 1 ? list[0]! : text;
}

/** `80`, `80/udp`, `8000-8002/tcp` → `80/tcp`, … as Docker keys ExposedPorts. */
function exposedPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw invalid(`invalid containerPort: ${spec}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  if (start < 1 || end > 65535 || end < start) throw invalid(`invalid port range: ${spec}`);
  const ports: string[] = [];
  for (let p = start; p <= end; p++) ports.push(`${p}/${proto}`);
  return ports;
}

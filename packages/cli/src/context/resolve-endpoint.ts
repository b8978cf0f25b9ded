import type { BerthConfig, ContextEntry } from './config-file.js';
import { UsageError } from '../args/parse-args.js';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';
export const DEFAULT_CONTEXT = 'default';

export interface EndpointInputs {
  hostFlag?: string;
  contextFlag?: string;
  env: { BERTH_HOST?: string; DOCKER_HOST?: string; BERTH_CONTEXT?: string };
  config: BerthConfig;
}

export interface Endpoint extends ContextEntry {
  /** The context it came from, or undefined for -H and the environment. */
  context?: string;
}

/** Which engine to talk to: -H, then --context, then BERTH_HOST / DOCKER_HOST, then the current context, then the local socket. */
export function resolveEndpoint(inputs: EndpointInputs): Endpoint {
  const { hostFlag, contextFlag, env, config } = inputs;
  if (hostFlag && contextFlag) throw new UsageError('conflicting options: either specify --host or --context, not both');
  if (hostFlag) return { host: validateHost(hostFlag) };
  const named = contextFlag ?? (env.BERTH_HOST || env.DOCKER_HOST ? undefined : env.BERTH_CONTEXT);
  if (named) return fromContext(named, config);
  const fromEnv = env.BERTH_HOST || env.DOCKER_HOST;
  if (fromEnv) return { host: validateHost(fromEnv) };
  return fromContext(config.currentContext ?? DEFAULT_CONTEXT, config);
}

function fromContext(name: string, config: BerthConfig): Endpoint {
  if (name === DEFAULT_CONTEXT && !config.contexts[name]) return { host: DEFAULT_HOST, context: DEFAULT_CONTEXT };
  const entry = config.contexts[name];
  if (!entry) throw new UsageError(`context "${name}" does not exist; see 'berth context ls'`);
  return { ...entry, context: name };
}

/** Accepts unix:///path, tcp://host:port, and a bare /path. */
export function validateHost(host: string): string {
  if (host.startsWith('/')) return `unix://${host}`;
  const m = /^(unix|tcp|https?):\/\/(.+)$/.exec(host);
  if (!m) throw new UsageError(`invalid host "${host}": use unix:///path/to/berth.sock or tcp://host:port`);
  if (m[1] === 'unix' && !m[2]!.startsWith('/')) throw new UsageError(`invalid host "${host}": a unix socket path must be absolute`);
  if (m[1] !== 'unix' && !/^[^/:]+(:\d+)?\/?$|^\[[0-9a-fA-F:]+\](:\d+)?\/?$/.test(m[2]!)) {
    throw new UsageError(`invalid host "${host}": expected tcp://host:port`);
  }
  return host;
}

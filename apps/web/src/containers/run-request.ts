import type { ContainerCreateRequest } from '@berth/sdk';
import { ConsoleError } from '../common/console-error.js';

/** The console's "run a container" form, as JSON. */
export interface RunRequest {
  image: string;
  name?: string;
  cmd?: string[];
  /** "8080:80", "127.0.0.1:8080:80/udp" or "80" (a free host port). */
  ports?: string[];
  /** "KEY=value" */
  env?: string[];
  /** "volume:/path", "/host/path:/path:ro" */
  volumes?: string[];
  network?: string;
  restartPolicy?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
}

const POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'];

/** Turns a RunRequest into the engine's create body; throws INVALID_ARGUMENT naming the bad field. */
export function runToCreate(body: unknown): { name?: string; create: ContainerCreateRequest } {
  const b = (body ?? {}) as Record<string, unknown>;
  const bad = (msg: string): never => { throw new ConsoleError('INVALID_ARGUMENT', msg); };
  if (typeof b.image !== 'string' || !b.image) bad('"image" is required (e.g. "busybox:latest")');
  const strings = (field: string): string[] => {
    const v = b[field];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad(`"${field}" must be a list of strings`);
    return v as string[];
  };
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp?: string; HostPort?: string }[]> = {};
  for (const p of strings('ports')) {
    const m = /^(?:(?:([\d.]+|\[[0-9a-f:]+\]):)?(\d{0,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(p);
    if (!m) bad(`port "${p}" is not [IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp]`);
    const key = `${m![3]}/${m![4] ?? 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ ...(m![1] ? { HostIp: m![1].replace(/^\[|\]$/g, '') } : {}), HostPort: m![2] ?? '' });
  }
  const env = strings('env');
  for (const e of env) if (!/^[^=]+=/.test(e)) bad(`env "${e}" is not KEY=value`);
  const binds = strings('volumes');
  for (const v of binds) if (v.split(':').length < 2) bad(`volume "${v}" is not SOURCE:/container/path[:ro]`);
  const cmd = b.cmd === undefined ? undefined : strings('cmd');
  if (b.name !== undefined && (typeof b.name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(b.name))) bad(`name "${String(b.name)}" may hold only letters, digits, _ . -`);
  if (b.network !== undefined && typeof b.network !== 'string') bad('"network" must be a network name');
  const policy = b.restartPolicy ?? 'no';
  if (typeof policy !== 'string' || !POLICIES.includes(policy)) bad(`restartPolicy "${String(policy)}" is not one of ${POLICIES.join(', ')}`);
  const create: ContainerCreateRequest = {
    Image: b.image as string,
    ...(cmd ? { Cmd: cmd } : {}),
    ...(env.length ? { Env: env } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
      ...(binds.length ? { Binds: binds } : {}),
      ...(b.network ? { NetworkMode: b.network as string } : {}),
      RestartPolicy: { Name: policy as 'no' },
    },
  } as ContainerCreateRequest;
  return { ...(typeof b.name === 'string' ? { name: b.name } : {}), create };
}

import fs from 'node:fs';
import type { ContainerCreateRequest, Mount, RestartPolicy } from '@berth/sdk';
import { flag, UsageError, type ParsedArgs } from '../args/parse-args.js';

/** Turns `run`/`create` flags and `IMAGE [COMMAND] [ARG...]` into the engine's create body. */
export function createRequest(parsed: ParsedArgs, readFile: (p: string) => string = (p) => fs.readFileSync(p, 'utf8')): { body: ContainerCreateRequest; name?: string; platform?: string } {
  const [image, ...cmd] = parsed.args;
  if (!image) throw new UsageError('an image is required');
  const tty = flag.bool(parsed, 'tty');
  const interactive = flag.bool(parsed, 'interactive');
  const env = [...flag.list(parsed, 'env-file').flatMap((f) => envFile(f, readFile)), ...flag.list(parsed, 'env').map(envValue)];
  const { exposed, bindings } = ports(flag.list(parsed, 'publish'), flag.list(parsed, 'expose'));
  const entrypoint = flag.str(parsed, 'entrypoint');
  const body: ContainerCreateRequest = {
    Image: image,
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: true,
    AttachStderr: true,
    ...(cmd.length > 0 ? { Cmd: cmd } : {}),
    ...(entrypoint !== undefined ? { Entrypoint: entrypoint === '' ? [''] : [entrypoint] } : {}),
    ...(env.length > 0 ? { Env: env } : {}),
    ...(flag.str(parsed, 'workdir') ? { WorkingDir: flag.str(parsed, 'workdir') } : {}),
    ...(flag.str(parsed, 'user') ? { User: flag.str(parsed, 'user') } : {}),
    ...(flag.str(parsed, 'hostname') ? { Hostname: flag.str(parsed, 'hostname') } : {}),
    ...(flag.str(parsed, 'stop-signal') ? { StopSignal: flag.str(parsed, 'stop-signal') } : {}),
    ...(flag.int(parsed, 'stop-timeout') !== undefined ? { StopTimeout: flag.int(parsed, 'stop-timeout') } : {}),
    ...(Object.keys(exposed).length > 0 ? { ExposedPorts: exposed } : {}),
    Labels: Object.fromEntries(flag.list(parsed, 'label').map((l) => splitOnce(l, '='))),
    HostConfig: {
      Binds: flag.list(parsed, 'volume'),
      PortBindings: bindings,
      AutoRemove: flag.bool(parsed, 'rm'),
      ...(flag.str(parsed, 'network') ? { NetworkMode: flag.str(parsed, 'network') } : {}),
      ...(flag.str(parsed, 'restart') ? { RestartPolicy: restartPolicy(flag.str(parsed, 'restart')!) } : {}),
      ...(flag.bool(parsed, 'init') ? { Init: true } : {}),
      Privileged: flag.bool(parsed, 'privileged'),
      ReadonlyRootfs: flag.bool(parsed, 'read-only'),
      CapAdd: flag.list(parsed, 'cap-add'),
      CapDrop: flag.list(parsed, 'cap-drop'),
      ...(flag.list(parsed, 'tmpfs').length > 0 ? { Tmpfs: Object.fromEntries(flag.list(parsed, 'tmpfs').map((t) => splitOnce(t, ':'))) } : {}),
      ...(flag.str(parsed, 'memory') ? { Memory: memoryBytes(flag.str(parsed, 'memory')!) } : {}),
      ...(flag.list(parsed, 'mount').length > 0 ? { Mounts: flag.list(parsed, 'mount').map(mountSpec) } : {}),
      ...(flag.list(parsed, 'add-host').length > 0 ? { ExtraHosts: flag.list(parsed, 'add-host') } : {}),
      ...(flag.list(parsed, 'dns').length > 0 ? { Dns: flag.list(parsed, 'dns') } : {}),
      ...(flag.str(parsed, 'cpus') ? { NanoCpus: cpus(flag.str(parsed, 'cpus')!) } : {}),
      ...(flag.int(parsed, 'pids-limit') !== undefined ? { PidsLimit: flag.int(parsed, 'pids-limit') } : {}),
      ...(flag.list(parsed, 'security-opt').length > 0 ? { SecurityOpt: flag.list(parsed, 'security-opt') } : {}),
      ...(tty && process.stdout.rows ? { ConsoleSize: [process.stdout.rows, process.stdout.columns] as [number, number] } : {}),
    },
  };
  const name = flag.str(parsed, 'name');
  const platform = flag.str(parsed, 'platform');
  return { body, ...(name ? { name } : {}), ...(platform ? { platform } : {}) };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** `-e NAME` takes NAME from the CLI's environment, as docker does; unset names are dropped. */
function envValue(e: string): string {
  if (e.includes('=')) return e;
  const v = process.env[e];
  return v === undefined ? e : `${e}=${v}`;
}

function envFile(file: string, readFile: (p: string) => string): string[] {
  let text: string;
  try {
    text = readFile(file);
  } catch {
    throw new UsageError(`cannot read --env-file ${file}: no such file`);
  }
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map(envValue);
}

/** `-p [ip:][hostPort:]containerPort[/proto]` → ExposedPorts + PortBindings. */
export function ports(publish: readonly string[], expose: readonly string[]): { exposed: Record<string, object>; bindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const e of expose) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  for (const p of publish) {
    const [spec, proto = 'tcp'] = p.split('/') as [string, string?];
    const parts = spec.startsWith('[') ? [spec.slice(1, spec.indexOf(']')), ...spec.slice(spec.indexOf(']') + 2).split(':')] : spec.split(':');
    const container = parts.pop()!;
    const hostPort = parts.pop() ?? '';
    const hostIp = parts.pop() ?? '';
    if (!/^\d+(-\d+)?$/.test(container) || (hostPort && !/^\d+(-\d+)?$/.test(hostPort)) || parts.length > 0) {
      throw new UsageError(`invalid publish spec "${p}": use [ip:][hostPort:]containerPort[/tcp|udp]`);
    }
    const key = `${container}/${proto}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hostPort });
  }
  return { exposed, bindings };
}

function restartPolicy(spec: string): RestartPolicy {
  const [name, count] = spec.split(':');
  if (!['no', 'always', 'on-failure', 'unless-stopped'].includes(name!)) {
    throw new UsageError(`invalid restart policy "${spec}": use no, always, on-failure[:max-retries] or unless-stopped`);
  }
  return { Name: name as RestartPolicy['Name'], ...(count ? { MaximumRetryCount: Number(count) } : {}) };
}

export function memoryBytes(spec: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)b?$/i.exec(spec.trim());
  if (!m) throw new UsageError(`invalid memory size "${spec}": use a number with an optional unit b, k, m or g`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

/** `--mount type=bind,source=/a,target=/b,readonly` → an engine Mount. */
export function mountSpec(spec: string): Mount {
  const mount: Mount = { Type: 'volume' };
  for (const part of spec.split(',')) {
    const [key, value] = part.includes('=') ? [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] : [part, 'true'];
    switch (key.trim().toLowerCase()) {
      case 'type': mount.Type = value; break;
      case 'source': case 'src': mount.Source = value; break;
      case 'target': case 'destination': case 'dst': mount.Target = value; break;
      case 'readonly': case 'ro': mount.ReadOnly = value !== 'false' && value !== '0'; break;
      case 'tmpfs-size': mount.TmpfsOptions = { ...mount.TmpfsOptions, SizeBytes: memoryBytes(value) }; break;
      default: throw new UsageError(`unexpected key "${key}" in --mount ${spec}: use type, source, target, readonly or tmpfs-size`);
    }
  }
  if (!mount.Target) throw new UsageError(`--mount ${spec} needs a target=PATH`);
  if (!['bind', 'volume', 'tmpfs'].includes(mount.Type!)) throw new UsageError(`--mount type "${mount.Type}" is not supported: use bind, volume or tmpfs`);
  return mount;
}

function cpus(spec: string): number {
  const n = Number(spec);
  if (!(n > 0)) throw new UsageError(`invalid --cpus "${spec}": use a positive number such as 1.5`);
  return Math.round(n * 1e9);
}

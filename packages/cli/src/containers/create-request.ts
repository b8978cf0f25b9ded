import fs from 'node:fs';
import type { ContainerCreateRequest, Mount, RestartPolicy } from '@berth/sdk';
import { flag, UsageError, type ParsedArgs } from '../args/parse-args.js';
import { healthcheck } from './healthcheck-flags.js';
import { memoryBytes, resourceConfig } from './resource-flags.js';

export interface CreateRequest {
  body: ContainerCreateRequest;
  name?: string;
  platform?: string;
  /** --cidfile: where to write the new container's ID. */
  cidfile?: string;
}

/** Turns `run`/`create` flags and `IMAGE [COMMAND] [ARG...]` into the engine's create body. */
export function createRequest(parsed: ParsedArgs, readFile: (p: string) => string = (p) => fs.readFileSync(p, 'utf8')): CreateRequest {
  const [image, ...cmd] = parsed.args;
  if (!image) throw new UsageError('an image is required');
  const tty = flag.bool(parsed, 'tty');
  const interactive = flag.bool(parsed, 'interactive');
  const env = envFlags(parsed, readFile);
  const { exposed, bindings } = ports(flag.list(parsed, 'publish'), flag.list(parsed, 'expose'));
  const entrypoint = flag.str(parsed, 'entrypoint');
  const health = healthcheck(parsed);
  const labels = [...flag.list(parsed, 'label-file').flatMap((f) => lines(f, readFile, 'label-file')), ...flag.list(parsed, 'label')];
  const networking = networkingConfig(parsed);
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
    ...(flag.str(parsed, 'domainname') ? { Domainname: flag.str(parsed, 'domainname') } : {}),
    ...(flag.str(parsed, 'stop-signal') ? { StopSignal: flag.str(parsed, 'stop-signal') } : {}),
    ...(flag.int(parsed, 'stop-timeout') !== undefined ? { StopTimeout: flag.int(parsed, 'stop-timeout') } : {}),
    ...(Object.keys(exposed).length > 0 ? { ExposedPorts: exposed } : {}),
    ...(health ? { Healthcheck: health } : {}),
    Labels: Object.fromEntries(labels.map((l) => splitOnce(l, '='))),
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
      ...(flag.list(parsed, 'mount').length > 0 ? { Mounts: flag.list(parsed, 'mount').map(mountSpec) } : {}),
      ...(flag.list(parsed, 'add-host').length > 0 ? { ExtraHosts: flag.list(parsed, 'add-host') } : {}),
      ...(flag.list(parsed, 'dns').length > 0 ? { Dns: flag.list(parsed, 'dns') } : {}),
      ...(flag.list(parsed, 'dns-search').length > 0 ? { DnsSearch: flag.list(parsed, 'dns-search') } : {}),
      ...(flag.list(parsed, 'dns-option').length > 0 ? { DnsOptions: flag.list(parsed, 'dns-option') } : {}),
      ...(flag.list(parsed, 'volumes-from').length > 0 ? { VolumesFrom: flag.list(parsed, 'volumes-from') } : {}),
      ...(flag.bool(parsed, 'publish-all') ? { PublishAllPorts: true } : {}),
      ...resourceConfig(parsed),
      ...(flag.list(parsed, 'security-opt').length > 0 ? { SecurityOpt: flag.list(parsed, 'security-opt') } : {}),
      ...(tty && process.stdout.rows ? { ConsoleSize: [process.stdout.rows, process.stdout.columns] as [number, number] } : {}),
    },
    ...(networking ? { NetworkingConfig: networking } : {}),
  };
  const name = flag.str(parsed, 'name');
  const platform = flag.str(parsed, 'platform');
  const cidfile = flag.str(parsed, 'cidfile');
  return { body, ...(name ? { name } : {}), ...(platform ? { platform } : {}), ...(cidfile ? { cidfile } : {}) };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** `--env-file` then `-e`, as docker orders them (run, create, exec). */
export function envFlags(parsed: ParsedArgs, readFile: (p: string) => string = (p) => fs.readFileSync(p, 'utf8')): string[] {
  return [...flag.list(parsed, 'env-file').flatMap((f) => envFile(f, readFile)), ...flag.list(parsed, 'env').map(envValue)];
}

/** `-e NAME` takes NAME from the CLI's environment, as docker does; unset names are dropped. */
function envValue(e: string): string {
  if (e.includes('=')) return e;
  const v = process.env[e];
  return v === undefined ? e : `${e}=${v}`;
}

function envFile(file: string, readFile: (p: string) => string): string[] {
  return lines(file, readFile, 'env-file').map(envValue);
}

/** The non-empty, non-comment lines of an --env-file or --label-file. */
function lines(file: string, readFile: (p: string) => string, flagName: string): string[] {
  let text: string;
  try {
    text = readFile(file);
  } catch {
    throw new UsageError(`cannot read --${flagName} ${file}: no such file`);
  }
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** `--network-alias` and `--ip` belong to the endpoint on the --network given. */
function networkingConfig(parsed: ParsedArgs): { EndpointsConfig: Record<string, object> } | undefined {
  const aliases = flag.list(parsed, 'network-alias');
  const ip = flag.str(parsed, 'ip');
  if (aliases.length === 0 && ip === undefined) return undefined;
  const network = flag.str(parsed, 'network');
  if (!network || ['bridge', 'default', 'host', 'none'].includes(network) || network.startsWith('container:')) {
    throw new UsageError('--network-alias and --ip need a user-defined network: pass --network NAME');
  }
  return { EndpointsConfig: { [network]: { ...(aliases.length > 0 ? { Aliases: aliases } : {}), ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}) } } };
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

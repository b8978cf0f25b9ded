import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { buildSpec, readFileInRoot, resolveUser } from '../runtime/index.js';
import type { OciMount } from '../runtime/oci-spec.js';
import type { NetworkAttachment } from '../networks/endpoint-plumbing.js';
import type { ContainerRecord } from './container-record.js';
import { toOciResources, toRlimits } from '../limits/oci-resources.js';
import { resourcesOf } from '../limits/resource-config.js';

export interface SpecContext {
  /** cgroup parent of this engine instance, e.g. "/berth-1a2b3c4d". */
  cgroupParent: string;
  /** Host path of tini-static for `--init`. */
  initPath: string;
}

/**
 * Writes `config.json` into the bundle: the record's process under Docker's default confinement.
 * `mounts` are the container's volumes, binds and tmpfs (set up by the volumes module).
 */
export async function writeContainerSpec(
  ctx: SpecContext,
  record: ContainerRecord,
  rootfs: string,
  bundle: string,
  mounts: OciMount[] = [],
  network?: NetworkAttachment,
): Promise<void> {
  const { config, hostConfig } = record;
  const user = await resolveUser(rootfs, config.User ?? '');
  const home = await homeOf(rootfs, user.uid);
  const env = (config.Env ?? []).filter((e) => e.includes('='));
  if (!env.some((e) => e.startsWith('HOME='))) env.unshift(`HOME=${home}`);
  const size = hostConfig.ConsoleSize;
  if (hostConfig.Init) {
    await fs.access(ctx.initPath).catch(() => {
      throw new EngineError('FAILED_PRECONDITION', `--init needs ${ctx.initPath} (Debian package tini)`);
    });
  }
  const spec = buildSpec({
    rootfs,
    // the network's /etc files first, so a user's bind of the same path wins
    mounts: [...(network?.mounts ?? []), ...mounts],
    ...(network?.netns ? { netns: network.netns } : {}),
    args: [record.path, ...record.args],
    env,
    cwd: config.WorkingDir || '/',
    user,
    hostname: config.Hostname || record.id.slice(0, 12),
    tty: config.Tty ?? false,
    ...(size && size[0] > 0 && size[1] > 0 ? { consoleSize: { height: size[0], width: size[1] } } : {}),
    readonlyRootfs: hostConfig.ReadonlyRootfs ?? false,
    privileged: hostConfig.Privileged ?? false,
    capAdd: hostConfig.CapAdd ?? [],
    capDrop: hostConfig.CapDrop ?? [],
    ...(hostConfig.Init ? { init: ctx.initPath } : {}),
    cgroupsPath: `${ctx.cgroupParent}/${record.id}`,
    rlimits: toRlimits(resourcesOf(hostConfig).Ulimits),
    resources: toOciResources(resourcesOf(hostConfig)),
    seccomp: (hostConfig.SecurityOpt ?? []).includes('seccomp=unconfined') ? 'unconfined' : 'default',
    noNewPrivileges: (hostConfig.SecurityOpt ?? []).some((o) => /^no-new-privileges(:true|=true)?$/.test(o)),
  });
  await fs.writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec), { mode: 0o600 });
}

/** The user's home directory from the container's /etc/passwd (Docker sets HOME from it). */
async function homeOf(rootfs: string, uid: number): Promise<string> {
  const passwd = await readFileInRoot(rootfs, '/etc/passwd').catch(() => null);
  for (const line of (passwd ?? '').split('\n')) {
    const fields = line.split(':');
    if (Number(fields[2]) === uid && fields[5]) return fields[5];
  }
  return uid === 0 ? '/root' : '/';
}

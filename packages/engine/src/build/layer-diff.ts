import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, open, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { BlobRole, LayerRole } from '../images/image-ports.js';
import { ingestLayer } from '../images/layer-ingest.js';
import { MEDIA_TYPE_LAYER_GZIP, type Descriptor } from '../images/oci-documents.js';
import { packTree } from '../snapshots/tree-tar.js';

/** A layer a build step made: stored once as a gzip blob and unpacked in the layer store. */
export interface StepLayer {
  diffId: string;
  chainId: string;
  descriptor: Descriptor;
}

export interface DiffDeps {
  blobs: BlobRole;
  layers: LayerRole;
  gzipLevel?: number;
}

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** Lists the directories under an upper dir that overlayfs marked opaque (Node cannot read xattrs). */
const OPAQUE_SCRIPT = `
import json, os, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root):
    for name in dirs:
        p = os.path.join(d, name)
        try:
            if os.getxattr(p, "trusted.overlay.opaque", follow_symlinks=False) == b"y":
                out.append(os.path.relpath(p, root))
        except OSError:
            pass
print(json.dumps(out))
`;

/** Archive names (no trailing `/`) of the opaque directories in an overlayfs upper dir. */
export async function opaqueDirs(upper: string): Promise<Set<string>> {
  const child = spawn(PYTHON, ['-c', OPAQUE_SCRIPT, upper], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c.slice(0, 4096)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new EngineError('INTERNAL', `reading overlayfs markers of ${upper} failed: ${stderr.trim()}`);
  return new Set(JSON.parse(stdout) as string[]);
}

/**
 * Files the runtime made in a container's upper dir as mount points (`/etc/hosts` and friends, `/dev`, `/proc`,
 * `/sys`): removed from the diff when they are empty and no lower layer has them, as Docker's init layer keeps
 * them out of commits.
 */
const MOUNT_POINTS = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev', 'proc', 'sys'];

export async function dropMountPoints(upper: string, lowerDirs: string[]): Promise<void> {
  for (const rel of MOUNT_POINTS) {
    const where = path.join(upper, rel);
    const info = await lstat(where).catch(() => null);
    if (!info) continue;
    if (await existsBelow(lowerDirs, rel)) continue;
    if (info.isFile() && info.size === 0) await unlink(where);
    else if (info.isDirectory()) await rmdir(where).catch(() => undefined);
  }
}

/** True when `rel` exists in the stack of layers (top-most first), a whiteout above it hiding it. */
export async function existsBelow(lowerDirs: string[], rel: string): Promise<boolean> {
  for (const dir of lowerDirs) {
    const info = await lstat(path.join(dir, rel)).catch(() => null);
    if (info) return !(info.isCharacterDevice() && info.rdev === 0);
  }
  return false;
}

/** The overlayfs upper dir `upper` as an OCI layer (whiteouts for deletions) on top of `parent`. */
export async function commitUpper(deps: DiffDeps, upper: string, parent: string | null): Promise<StepLayer> {
  const opaque = await opaqueDirs(upper);
  const root = await open(upper, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  const tar = packTree(root, { overlay: { opaque } });
  const layer = await ingestLayer(tar, deps.blobs, deps.layers, {
    parent,
    ...(deps.gzipLevel !== undefined ? { gzipLevel: deps.gzipLevel } : {}),
    // Whatever was committed before a failure is swept with the other unreferenced content at the next start.
    discard: async () => undefined,
  });
  return {
    diffId: layer.diffId,
    chainId: layer.layer.chainId,
    descriptor: { mediaType: MEDIA_TYPE_LAYER_GZIP, digest: layer.blob.digest, size: layer.blob.size },
  };
}

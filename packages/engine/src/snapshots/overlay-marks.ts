import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EngineError } from '../errors.js';

/** An overlayfs marker to write inside a layer: a whiteout (char device 0/0) or an opaque directory xattr. */
export interface OverlayMark {
  op: 'whiteout' | 'opaque';
  /** Path components below the layer root; for `opaque` the directory itself (empty = the root). */
  path: string[];
}

/** Debian's own python3 (a version manager's shim on PATH can cost more than the work). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/*
 * Node has neither mknod(2) nor setxattr(2), so the marks are written by one python3 process per layer
 * (python3 is on every Debian machine; the `attr` package's setfattr is not). It walks each path from the
 * layer root with O_DIRECTORY|O_NOFOLLOW directory fds, so no symlink is ever followed, then uses
 * mknodat / fsetxattr relative to those fds.
 */
const SCRIPT = `
import json, os, stat, sys
D = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
root = os.open(sys.argv[1], D)
for mark in json.load(sys.stdin):
    parts = mark["path"]
    dirs = parts if mark["op"] == "opaque" else parts[:-1]
    fd = os.dup(root)
    try:
        for name in dirs:
            nxt = os.open(name, D, dir_fd=fd)
            os.close(fd)
            fd = nxt
        if mark["op"] == "opaque":
            os.setxattr(fd, "trusted.overlay.opaque", b"y")
        else:
            os.mknod(parts[-1], stat.S_IFCHR, os.makedev(0, 0), dir_fd=fd)
    except OSError as err:
        sys.stderr.write(json.dumps({"path": "/".join(parts), "error": err.strerror or str(err)}))
        sys.exit(3)
    finally:
        os.close(fd)
`;

/** Writes overlayfs whiteouts and opaque markers under `root` in one batch, never following a symlink. */
export async function writeOverlayMarks(root: string, marks: OverlayMark[]): Promise<void> {
  if (marks.length === 0) return;
  const child = spawn(PYTHON, ['-c', SCRIPT, root], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(marks));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((err: NodeJS.ErrnoException) => {
    const hint = err.code === 'ENOENT' ? ': python3 is required to write overlayfs whiteouts' : '';
    throw new EngineError('UNAVAILABLE', `cannot run python3${hint}`, { cause: err });
  });
  if (code === 0) return;
  if (code === 3) {
    const failure = JSON.parse(stderr) as { path: string; error: string };
    throw new EngineError('INVALID_ARGUMENT', `layer entry ${JSON.stringify(failure.path)} cannot be marked for overlayfs: ${failure.error}`);
  }
  throw new EngineError('INTERNAL', `writing overlayfs whiteouts failed (exit ${code}): ${stderr.trim().slice(0, 500)}`);
}

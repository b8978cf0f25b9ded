import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EngineError } from '../errors.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/**
 * Lists, for each upper dir named on a line of stdin, the directories overlayfs marked opaque (Node cannot read
 * xattrs), as one JSON line: a list of relative paths, or {"error": ...}.
 */
const SCRIPT = `
import json, os, sys
for line in sys.stdin:
    root = json.loads(line)
    try:
        out = []
        for d, dirs, files in os.walk(root):
            for name in dirs:
                p = os.path.join(d, name)
                try:
                    if os.getxattr(p, "trusted.overlay.opaque", follow_symlinks=False) == b"y":
                        out.append(os.path.relpath(p, root))
                except OSError:
                    pass
        sys.stdout.write(json.dumps(out) + "\\n")
    except Exception as e:
        sys.stdout.write(json.dumps({"error": str(e)}) + "\\n")
    sys.stdout.flush()
`;

interface Pending {
  upper: string;
  resolve(dirs: Set<string>): void;
  reject(err: Error): void;
}

/**
 * One long-lived python3 that reads overlayfs opaque markers, so a build step does not pay an interpreter start
 * per commit. Requests are answered in order; a helper that dies fails what it had and is started again next time.
 */
export class OpaqueReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending[] = [];
  private buffer = '';
  private stderr = '';

  read(upper: string): Promise<Set<string>> {
    return new Promise<Set<string>>((resolve, reject) => {
      const child = this.child ?? this.start();
      this.pending.push({ upper, resolve, reject });
      child.stdin.write(`${JSON.stringify(upper)}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(PYTHON, ['-u', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.buffer = '';
    this.stderr = '';
    // The helper never keeps berthd from exiting.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr] as unknown as Array<{ unref?: () => void }>) s.unref?.();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4096)));
    child.stdin.on('error', () => undefined);
    const gone = (err?: Error): void => {
      if (this.child !== child) return;
      this.child = null;
      const failed = this.pending;
      this.pending = [];
      const reason = err?.message ?? (this.stderr.trim() || 'the helper exited');
      for (const p of failed) p.reject(new EngineError('INTERNAL', `reading overlayfs markers of ${p.upper} failed: ${reason}`));
    };
    child.once('error', gone);
    child.once('close', () => gone());
    return child;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const p = this.pending.shift();
      if (!p) continue;
      try {
        const answer = JSON.parse(line) as string[] | { error: string };
        if (Array.isArray(answer)) p.resolve(new Set(answer));
        else p.reject(new EngineError('INTERNAL', `reading overlayfs markers of ${p.upper} failed: ${answer.error}`));
      } catch (err) {
        p.reject(new EngineError('INTERNAL', `reading overlayfs markers of ${p.upper} failed: ${(err as Error).message}`));
      }
    }
  }
}

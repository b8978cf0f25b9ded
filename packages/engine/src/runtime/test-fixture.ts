import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { attach } from './attach.js';
import { startConmon } from './conmon.js';
import { waitExitFile } from './exit-file.js';
import { Runc } from './runc.js';
import { buildSpec, type SpecInput } from './spec.js';

/** Test-only helpers: a busybox root filesystem and one Berth-like runtime layout in a temp dir. */

export const RUNC = '/usr/sbin/runc';
export const CONMON = '/usr/bin/conmon';
export const APPLETS = ['sh', 'echo', 'cat', 'sleep', 'id', 'ls', 'true', 'false', 'env', 'pwd', 'stty', 'grep', 'head'];

/** Make a busybox rootfs with /etc/passwd and /etc/group under `dir`. */
export async function makeBusyboxRootfs(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await mkdir(path.join(dir, 'etc'), { recursive: true });
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  await copyFile('/bin/busybox', path.join(dir, 'bin', 'busybox'));
  await Promise.all(APPLETS.map((a) => symlink('busybox', path.join(dir, 'bin', a))));
  await writeFile(path.join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\nalice:x:1000:1000::/home/alice:/bin/sh\n');
  await writeFile(path.join(dir, 'etc', 'group'), 'root:x:0:\nwheel:x:10:root,alice\nnogroup:x:65534:\nalice:x:1000:\nstaff:x:50:alice\n');
  return dir;
}

/** A throwaway engine layout: runc root, exit dir, socket dir, and bundles made on request. */
export class TestRuntime {
  readonly runc: Runc;
  private readonly ids: string[] = [];

  private readonly cgroupParent = `berth-test-${randomBytes(4).toString('hex')}`;

  private constructor(readonly root: string) {
    this.runc = new Runc(RUNC, path.join(root, 'runc'));
  }

  static async create(): Promise<TestRuntime> {
    const root = await mkdtemp(path.join(tmpdir(), 'berth-rt-'));
    const rt = new TestRuntime(root);
    await Promise.all(['runc', 'exits', 's', 'bundles'].map((d) => mkdir(path.join(root, d), { recursive: true })));
    return rt;
  }

  get exitDir(): string { return path.join(this.root, 'exits'); }
  get socketDir(): string { return path.join(this.root, 's'); }
  bundle(id: string): string { return path.join(this.root, 'bundles', id); }
  logPath(id: string): string { return path.join(this.bundle(id), 'ctr.log'); }

  /** Create a bundle with a busybox rootfs and a config.json built by buildSpec. */
  async makeBundle(overrides: Partial<SpecInput> & { args: string[] }): Promise<string> {
    const id = `t${randomBytes(8).toString('hex')}`;
    this.ids.push(id);
    const bundle = this.bundle(id);
    const rootfs = await makeBusyboxRootfs(path.join(bundle, 'rootfs'));
    const spec = buildSpec({
      rootfs, env: [], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [] }, hostname: id.slice(0, 12),
      tty: false, cgroupsPath: `/${this.cgroupParent}/${id}`, ...overrides,
    });
    await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    return id;
  }

  /** Options for startConmon for container `id`. */
  conmonOptions(id: string, extra: { tty?: boolean; stdin?: boolean } = {}) {
    return {
      conmon: CONMON, id, bundle: this.bundle(id), runtime: RUNC, runtimeRoot: this.runc.root,
      logPath: this.logPath(id), exitDir: this.exitDir, pidFile: path.join(this.bundle(id), 'pidfile'),
      conmonPidFile: path.join(this.bundle(id), 'conmon.pid'), socketDir: this.socketDir,
      tty: extra.tty ?? false, stdin: extra.stdin ?? false,
    };
  }

  /** Create, start and wait for a container; its output and exit code. */
  async run(overrides: Partial<SpecInput> & { args: string[] }): Promise<{ id: string; stdout: string; stderr: string; code: number }> {
    const id = await this.makeBundle(overrides);
    await startConmon(this.conmonOptions(id));
    const session = await attach(this.bundle(id));
    await this.runc.start(id);
    let stdout = '';
    let stderr = '';
    for await (const chunk of session) {
      if (chunk.stream === 'stdout') stdout += chunk.data.toString();
      else stderr += chunk.data.toString();
    }
    const code = await waitExitFile(this.exitDir, id);
    await this.runc.delete(id, true);
    return { id, stdout, stderr, code };
  }

  /** Kill and delete every container made here, then remove the whole tree. */
  async cleanup(): Promise<void> {
    for (const id of this.ids) {
      await this.runc.delete(id, true).catch(() => {});
    }
    await rm(this.root, { recursive: true, force: true });
    const controllers = await readdir('/sys/fs/cgroup').catch(() => [] as string[]);
    await Promise.all(controllers.map((c) => rmdir(path.join('/sys/fs/cgroup', c, this.cgroupParent)).catch(() => {})));
  }
}

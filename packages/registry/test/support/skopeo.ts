import { execFile, execFileSync } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Installs skopeo from Debian when it is missing (the tests run as root on Debian 12). */
export function ensureSkopeo(): void {
  try {
    execFileSync('skopeo', ['--version'], { stdio: 'ignore' });
    return;
  } catch {
    // install below
  }
  if (process.getuid?.() !== 0) throw new Error('skopeo is missing and the tests are not root: apt-get install skopeo');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'skopeo'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Runs skopeo with no credentials from the host (an empty auth file) and accepting any image. */
export function skopeo(args: string[], options: { authFile: string }): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      'skopeo',
      ['--insecure-policy', ...args],
      { env: { ...process.env, REGISTRY_AUTH_FILE: options.authFile }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

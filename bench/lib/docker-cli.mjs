// The unmodified docker CLI pointed at one daemon, with wall-clock timing of each call.
import { spawn } from 'node:child_process';

export class DockerCommandError extends Error {}

export function dockerCli(bin, host) {
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' };
  delete env.DOCKER_CONTEXT;

  /** Runs `docker ...args`; resolves with { ms, stdout } or rejects with the CLI's stderr. */
  function run(args, { timeoutMs = 120_000 } = {}) {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (err) => { clearTimeout(timer); reject(err); });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (code === 0) return resolve({ ms, stdout });
        const why = signal ? `killed by ${signal} after ${Math.round(ms)} ms` : `exit ${code}`;
        reject(new DockerCommandError(`docker ${args.join(' ')} (${host}): ${why}: ${stderr.trim() || stdout.trim()}`));
      });
    });
  }

  return { host, run };
}

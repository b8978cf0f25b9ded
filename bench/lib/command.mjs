// Running a client command (docker, curl, skopeo …) as a child process, timed wall clock
// from spawn to exit, so the client's own start-up lands in every column alike.
import { spawn } from 'node:child_process';

export class CommandError extends Error {}

/**
 * Runs `bin ...args`; resolves with { ms, stdout, stderr } on exit 0, or rejects with a
 * CommandError carrying the command's stderr (or stdout). `label` names it in the message.
 */
export function runTimed(bin, args, { env = process.env, timeoutMs = 120_000, label = bin, ErrorClass = CommandError } = {}) {
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
      if (code === 0) return resolve({ ms, stdout, stderr });
      const why = signal ? `killed by ${signal} after ${Math.round(ms)} ms` : `exit ${code}`;
      reject(new ErrorClass(`${bin} ${args.join(' ')}${label === bin ? '' : ` (${label})`}: ${why}: ${stderr.trim() || stdout.trim()}`));
    });
  });
}

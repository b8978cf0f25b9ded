// The unmodified docker CLI pointed at one daemon, with wall-clock timing of each call.
import { CommandError, runTimed } from './command.mjs';

export class DockerCommandError extends CommandError {}

export function dockerCli(bin, host) {
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' };
  delete env.DOCKER_CONTEXT;

  /** Runs `docker ...args`; resolves with { ms, stdout } or rejects with the CLI's stderr. */
  async function run(args, { timeoutMs = 120_000 } = {}) {
    const { ms, stdout } = await runTimed(bin, args, { env, timeoutMs, label: host, ErrorClass: DockerCommandError });
    return { ms, stdout };
  }

  return { host, run };
}

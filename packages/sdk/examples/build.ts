import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuildError, EngineClient } from '@berth/sdk';

/** Builds a Dockerfile; a failing step comes back as a BuildError naming the step and the exit code. */
export async function main(host: string, dockerfile: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'context-'));
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  const context = execFileSync('tar', ['-c', '-C', dir, '.']);
  const client = new EngineClient({ host });
  try {
    const build = client.images.build(context, { t: ['example:latest'] });
    for await (const message of build.progress) if (message.stream?.startsWith('Step ')) process.stdout.write(message.stream);
    const { id } = await build;
    return `built ${id}`;
  } catch (err) {
    if (err instanceof BuildError) return `failed at "${err.step}" with exit code ${err.exitCode}: ${err.message}`;
    throw err;
  } finally {
    client.close();
  }
}

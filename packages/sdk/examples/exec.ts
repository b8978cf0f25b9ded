import { EngineClient } from '@berth/sdk';

/** Runs `sort` inside a running container, feeding it stdin, and collects its output and exit code. */
export async function main(host: string, container: string): Promise<{ output: string; exitCode: number | null }> {
  const client = new EngineClient({ host });
  try {
    const exec = await client.exec.create(container, { Cmd: ['sort'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const session = await client.exec.start(exec.Id, { stdin: true });
    session.write('pear\napple\nfig\n');
    session.closeWrite(); // EOF on stdin; the output keeps coming
    let output = '';
    for await (const frame of session.output) output += frame.data.toString();
    return { output, exitCode: await session.exitCode };
  } finally {
    client.close();
  }
}

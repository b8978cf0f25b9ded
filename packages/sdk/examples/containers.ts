import { EngineClient } from '@berth/sdk';

/** Runs a container to completion: create, start, wait, read its log (stdout and stderr apart), remove. */
export async function main(host: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const client = new EngineClient({ host });
  try {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hello; echo oops >&2; exit 2'] });
    await client.containers.start(Id);
    const { StatusCode } = await client.containers.wait(Id);
    let stdout = '';
    let stderr = '';
    for await (const frame of client.containers.logs(Id)) {
      if (frame.stream === 'stdout') stdout += frame.data.toString();
      else stderr += frame.data.toString();
    }
    await client.containers.remove(Id);
    return { exitCode: StatusCode, stdout, stderr };
  } finally {
    client.close();
  }
}

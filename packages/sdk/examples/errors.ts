import { ConflictError, EngineClient, NotFoundError } from '@berth/sdk';

/** The engine's errors arrive typed, with its message and HTTP status. */
export async function main(host: string): Promise<string[]> {
  const client = new EngineClient({ host });
  const out: string[] = [];
  try {
    await client.containers.inspect('does-not-exist');
  } catch (err) {
    if (err instanceof NotFoundError) out.push(`404: ${err.message}`);
  }
  const { Id } = await client.containers.create({ Image: 'busybox' }, { name: 'only-once' });
  try {
    await client.containers.create({ Image: 'busybox' }, { name: 'only-once' });
  } catch (err) {
    if (err instanceof ConflictError) out.push(`${err.status}: ${err.message}`);
  }
  await client.containers.remove(Id);
  client.close();
  return out;
}

import { EngineClient } from '@berth/sdk';

/** Pulls an image, counting progress messages; the await settles only once the image is stored. */
export async function main(host: string, ref: string): Promise<string> {
  const client = new EngineClient({ host });
  try {
    const pull = client.images.pull(ref); // pass { auth: { username, password, serveraddress } } for a private registry
    let messages = 0;
    for await (const message of pull.progress) if (message.status) messages++;
    await pull; // rejects with a ProgressError if the pull failed mid-stream
    const image = await client.images.inspect(ref);
    return `${ref} is ${image.Id} (${messages} progress messages)`;
  } finally {
    client.close();
  }
}

import { EngineClient } from '@berth/sdk';

/** Connects from DOCKER_HOST-style settings (pass process.env in a program) and reports the engine. */
export async function main(env: { DOCKER_HOST?: string }): Promise<string> {
  const client = await EngineClient.fromEnv(env);
  // Or explicitly: new EngineClient({ host: 'tcp://engine:2376', tls: { ca, cert, key } })
  try {
    const version = await client.version();
    return `${version.Platform.Name} ${version.Version}, API ${await client.apiVersion()}`;
  } finally {
    client.close();
  }
}

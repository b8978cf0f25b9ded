import type { ContainerCreateRequest } from '@berth/sdk';
import { readContainerLogs } from '../containers/logs.js';

/** What a RUN step needs of the container service. */
export interface RunPorts {
  create(request: ContainerCreateRequest): Promise<{ id: string }>;
  start(id: string): Promise<void>;
  wait(id: string): Promise<number>;
  remove(id: string, opts: { force: boolean; volumes?: boolean }): Promise<void>;
  paths(id: string): { upper: string; logPath: string; dir: string };
  /** Unmounts the container's root filesystem (its upper dir is then read as the step's diff). */
  release(dir: string): Promise<void>;
}

/**
 * Runs a container to its exit, passing its output to `out` as it comes; returns its ID and exit code.
 * The container stays for the caller to read its upper dir and remove it.
 */
export async function runToExit(
  ports: RunPorts,
  request: ContainerCreateRequest,
  out: (text: string) => void,
  onCreated: (id: string) => void,
  signal: AbortSignal,
): Promise<{ id: string; code: number }> {
  const { id } = await ports.create(request);
  onCreated(id);
  // A client that goes away (Ctrl-C) stops the step.
  const stop = (): void => void ports.remove(id, { force: true, volumes: true }).catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await follow(ports, id, out, signal);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

async function follow(ports: RunPorts, id: string, out: (text: string) => void, signal: AbortSignal): Promise<{ id: string; code: number }> {
  await ports.start(id);
  const exited = ports.wait(id);
  const logs = readContainerLogs(ports.paths(id).logPath, {
    stdout: true,
    stderr: true,
    follow: true,
    stopped: exited.then(() => undefined, () => undefined),
    signal,
  });
  for await (const entry of logs) out(entry.data.toString('utf8'));
  const code = await exited;
  await ports.release(ports.paths(id).dir);
  return { id, code };
}

import { AttachSession } from '../../containers/attach-hub.js';
import { containerEvent } from '../../containers/container-event.js';
import type { ContainerService } from '../../containers/container-service.js';
import { acceptHijack, readUpgradeBody } from '../hijack.js';
import type { UpgradeContext } from '../router.js';
import { streamWriter } from '../stream-frame.js';

/**
 * `POST /containers/{id}/attach` (hijacked). Stdin that arrives before the container starts is
 * kept; a client FIN closes the container's stdin while output keeps flowing.
 */
export async function attachRoute(ctx: UpgradeContext, containers: ContainerService): Promise<void> {
  const { socket, query } = ctx;
  const record = containers.get(ctx.params.id!);
  const tty = record.config.Tty ?? false;
  const wantStdout = query.bool('stdout');
  const wantStderr = query.bool('stderr');
  const { rest } = await readUpgradeBody(ctx.req, socket, ctx.head);
  acceptHijack(socket, !tty, ctx.apiVersion);
  const frame = streamWriter(tty);
  const session = new AttachSession({
    stdin: query.bool('stdin') && (record.config.OpenStdin ?? false),
    write: ({ stream, data }) => {
      if ((stream === 'stdout' && wantStdout) || (stream === 'stderr' && wantStderr)) socket.write(frame(stream, data));
    },
    end: () => socket.end(),
  });
  if (rest.length > 0) session.pushStdin(rest);
  socket.on('data', (data: Buffer) => session.pushStdin(data));
  socket.on('end', () => session.endStdin());
  socket.on('close', () => {
    session.detach();
    containers.attachments.remove(record.id, session);
  });
  socket.resume();
  const running = record.state.status === 'running' || record.state.status === 'paused';
  containers.attachments.add(record, session, running);
  containers.publish(containerEvent(record, 'attach'));
}

import type { ExecCreateRequest, ExecStartRequest } from '@berth/sdk';
import type { ExecService } from '../../containers/exec-service.js';
import type { ExecProcess } from '../../containers/runtime-port.js';
import { EngineError } from '../../errors.js';
import { acceptHijack, readUpgradeBody } from '../hijack.js';
import { parseJson, sendEmpty, sendJson } from '../http.js';
import type { Router } from '../router.js';
import { streamWriter } from '../stream-frame.js';

/** `docker exec`: create, start (hijacked or detached), resize, inspect. */
export function execRoutes(router: Router, execs: ExecService): void {
  router.on('POST', '/containers/:id/exec', async (ctx) => {
    const body = await ctx.json<ExecCreateRequest>();
    if (body === null || typeof body !== 'object') throw new EngineError('INVALID_ARGUMENT', 'invalid exec config: expected a JSON object');
    sendJson(ctx.res, 201, { Id: execs.create(ctx.params.id!, body) });
  });

  router.on('POST', '/exec/:id/start', async (ctx) => {
    const body = await ctx.json<ExecStartRequest>({});
    const proc = await execs.start(ctx.params.id!, { tty: body.Tty ?? false, detach: body.Detach ?? false, consoleSize: body.ConsoleSize ?? null });
    if (body.Detach) {
      proc.io.close();
      sendEmpty(ctx.res, 200);
      return;
    }
    ctx.res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
    const frame = streamWriter(body.Tty ?? false);
    for await (const { stream, data } of proc.io.output) ctx.res.write(frame(stream, data));
    await proc.exited.catch(() => {});
    ctx.res.end();
  });

  router.upgrade('POST', '/exec/:id/start', async (ctx) => {
    const { socket } = ctx;
    const { body, rest } = await readUpgradeBody(ctx.req, socket, ctx.head);
    const start = parseJson<ExecStartRequest>(body, {});
    const exec = execs.get(ctx.params.id!);
    const tty = start.Tty ?? exec.request.Tty ?? false;
    acceptHijack(socket, !tty, ctx.apiVersion);
    let proc: ExecProcess;
    try {
      proc = await execs.start(exec.id, { tty, consoleSize: start.ConsoleSize ?? null });
    } catch (err) {
      // Like dockerd: the stream is already hijacked, so the reason goes to the client's stdout
      // and the exit code (126/127) to exec inspect.
      socket.end(streamWriter(tty)('stdout', Buffer.from(`${(err as Error).message}\r\n`)));
      return;
    }
    pipe(proc, socket, rest, tty, exec.request.AttachStdin ?? false);
  });

  router.on('POST', '/exec/:id/resize', async ({ res, params, query }) => {
    await execs.resize(params.id!, query.int('h') ?? 0, query.int('w') ?? 0);
    sendEmpty(res, 200);
  });

  router.on('GET', '/exec/:id/json', ({ res, params }) => sendJson(res, 200, execs.inspect(params.id!)));
}

function pipe(proc: ExecProcess, socket: import('node:stream').Duplex, early: Buffer, tty: boolean, stdin: boolean): void {
  const frame = streamWriter(tty);
  if (stdin) {
    if (early.length > 0) proc.io.write(early);
    socket.on('data', (data: Buffer) => proc.io.write(data));
    socket.on('end', () => proc.io.closeStdin());
  } else {
    socket.on('data', () => {});
  }
  socket.on('close', () => proc.io.close());
  socket.resume();
  void (async () => {
    try {
      for await (const { stream, data } of proc.io.output) socket.write(frame(stream, data));
    } catch {
      // the client or the process went away; the exit code is recorded either way
    }
    await proc.exited.catch(() => {});
    socket.end();
  })();
}

import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CONSOLE_HTTP_STATUS, ConsoleError } from './console-error.js';

/** Maps errors to HTTP at the edge: `{ code, message }` with the code's status. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('berth-console');

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return void res.end();
    if (err instanceof ConsoleError) {
      res.status(CONSOLE_HTTP_STATUS[err.code]).json({ code: err.code, message: err.message });
    } else if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse() as { type?: string } | string;
      const message = status === 400 && typeof body === 'object' && /JSON/.test(err.message) ? `the request body is not valid JSON: ${err.message}` : err.message;
      res.status(status).json({ code: status === 404 ? 'NOT_FOUND' : status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL', message });
    } else {
      this.log.error(err);
      res.status(500).json({ code: 'INTERNAL', message: `internal error: ${(err as Error)?.message ?? String(err)}` });
    }
  }
}

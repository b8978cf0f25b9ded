import type { Session } from '../session.js';

/** A failure the command already explained; carries the exit status to use. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(readonly code: number, message = '') {
    super(message);
  }
}

/**
 * Errors are told apart by name, not by class: each command bundle carries its own copy of
 * the error classes, so an error thrown in one is not an instance of the entry's class.
 */
function named(err: unknown, name: 'ExitError' | 'UsageError' | 'TemplateError'): err is Error & { code?: unknown } {
  return err instanceof Error && err.name === name;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'ECONNRESET']);

/** Finds a socket-level error code anywhere in the cause chain. */
export function connectCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && CONNECT_CODES.has(e.code) && (e as { syscall?: string }).syscall !== 'open') return e.code;
  }
  return undefined;
}

/** Prints an error the way docker does (one line, no stack) and returns the exit status. */
export async function reportError(session: Session, err: unknown, command: string, usage?: string): Promise<number> {
  if (named(err, 'ExitError') && typeof err.code === 'number') {
    if (err.message) session.err(`${err.message}\n`);
    return err.code as number;
  }
  if (named(err, 'UsageError')) {
    // docker's short form: the problem, the command's usage line, where to read more.
    const where = command ? `berth ${command}` : 'berth';
    session.err(`${where}: ${err.message}\n${usage !== undefined ? `\nUsage:  ${where} ${usage}\n` : ''}\nRun '${where} --help' for more information\n`);
    return 125;
  }
  if (named(err, 'TemplateError')) {
    session.err(`${err.message}\n`);
    return 125;
  }
  const code = connectCode(err);
  if (code) {
    const host = await session.endpoint().then((e) => e.host, () => '(unknown address)');
    session.err(`Cannot connect to the Berth engine at ${host}: ${describe(code)}. Is berthd running? Start it with \`npm start\` in the Berth repository, or \`berthd\`.\n`);
    return 125;
  }
  const e = err as { message?: string; status?: number; code?: string };
  if (typeof e.status === 'number' || (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code))) {
    session.err(`Error response from daemon: ${e.message ?? String(err)}\n`);
    return 125;
  }
  session.err(`berth: ${e.message ?? String(err)}\n`);
  return 125;
}

function describe(code: string): string {
  switch (code) {
    case 'ENOENT': return 'no such socket';
    case 'ECONNREFUSED': return 'connection refused';
    case 'EACCES': return 'permission denied';
    default: return code;
  }
}

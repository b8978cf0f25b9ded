import { UsageError } from '../args/parse-args.js';
import type { Session } from '../session.js';

/** Asks one line on the terminal; with `secret`, typed characters are not echoed. */
export async function prompt(session: Session, question: string, secret: boolean): Promise<string> {
  const stdin = session.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY) throw new UsageError(`cannot ask for ${question.replace(/: $/, '').toLowerCase()} without a terminal; pass it as a flag`);
  session.err(question);
  if (secret) stdin.setRawMode(true);
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      const onData = (d: Buffer): void => {
        for (const ch of d.toString()) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            stdin.pause();
            session.err('\n');
            return resolve(line);
          }
          if (ch === '\x03') {
            stdin.off('data', onData);
            return reject(new UsageError('cancelled'));
          }
          if (ch === '\x7f') line = line.slice(0, -1);
          else line += ch;
        }
      };
      stdin.on('data', onData);
      stdin.resume();
    });
  } finally {
    if (secret) stdin.setRawMode(false);
  }
}

import type { Session } from '../session.js';

/**
 * docker's prune question: the warning and `[y/N]` on stdout, the answer one line of stdin —
 * typed on a terminal or piped (`echo y | berth container prune`). Anything but y/yes, an
 * empty line or the end of the input included, is no.
 */
export async function confirm(session: Session, warning: string): Promise<boolean> {
  session.out(`WARNING! ${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await readLine(session.stdin);
  return /^\s*y(es)?\s*$/i.test(answer);
}

/** True with --force, else the answer to the question. */
export async function confirmed(session: Session, force: boolean, warning: string): Promise<boolean> {
  return force || confirm(session, warning);
}

function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let line = '';
    const done = (): void => {
      stdin.off('data', onData).off('end', done).off('error', reject);
      stdin.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      const text = chunk.toString();
      const nl = text.search(/[\r\n]/);
      line += nl < 0 ? text : text.slice(0, nl);
      if (nl >= 0) done();
    };
    stdin.on('data', onData).once('end', done).once('error', reject);
    stdin.resume();
  });
}

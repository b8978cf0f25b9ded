/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function useColour(isTerminal: boolean, env: { NO_COLOR?: string; TERM?: string }): boolean {
  return isTerminal && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function paint(on: boolean, code: number, text: string): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export const GREEN = 32;
export const RED = 31;
export const YELLOW = 33;
export const DIM = 2;

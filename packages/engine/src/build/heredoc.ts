import type { Lookup } from './shell-expand.js';

/** One here-document of a RUN, COPY or ADD (`<<EOF` … `EOF`), as BuildKit reads them. */
export interface Heredoc {
  /** The delimiter word, quotes removed (COPY uses it as the file name). */
  name: string;
  /** The body, every line ending in a newline, leading tabs already removed for `<<-`. */
  content: string;
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no variable expansion. */
  expand: boolean;
  /** `<<-EOF`: leading tabs of the body and the delimiter line are removed. */
  chomp: boolean;
}

/** Instructions whose arguments may open here-documents. */
export const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` as a word of its own (not `<<<`, not inside a word). */
const MARKER = /(?<=^|\s)<<(-?)(?:"([^"\s]+)"|'([^'\s]+)'|([A-Za-z0-9_][A-Za-z0-9_.-]*))(?=\s|$|[;&|>)])/g;

export interface HeredocMarker {
  name: string;
  expand: boolean;
  chomp: boolean;
  /** The marker as written. */
  text: string;
}

/** The here-document markers of an instruction's arguments, in order. */
export function heredocMarkers(args: string): HeredocMarker[] {
  const out: HeredocMarker[] = [];
  for (const m of args.matchAll(MARKER)) {
    const quoted = m[2] ?? m[3];
    out.push({ name: quoted ?? m[4]!, expand: quoted === undefined, chomp: m[1] === '-', text: m[0] });
  }
  return out;
}

/**
 * Reads the bodies of `markers` from `lines` starting at `start`; returns them and the index of the line after the
 * last delimiter, or the marker left open when the file ends first.
 */
export function readHeredocs(
  lines: string[],
  start: number,
  markers: HeredocMarker[],
): { heredocs: Heredoc[]; next: number } | { unterminated: HeredocMarker } {
  const heredocs: Heredoc[] = [];
  let i = start;
  for (const marker of markers) {
    const body: string[] = [];
    for (;;) {
      if (i >= lines.length) return { unterminated: marker };
      const line = lines[i++]!;
      const text = marker.chomp ? line.replace(/^\t+/, '') : line;
      if (text === marker.name) break;
      body.push(text);
    }
    heredocs.push({ name: marker.name, content: body.map((l) => `${l}\n`).join(''), expand: marker.expand, chomp: marker.chomp });
  }
  return { heredocs, next: i };
}

/** True when the arguments are nothing but one here-document marker (`RUN <<EOF`). */
export function isBareHeredoc(args: string, heredocs: Heredoc[]): boolean {
  return heredocs.length === 1 && heredocMarkers(args.trim()).length === 1 && /^<<-?\S+$/.test(args.trim());
}

/**
 * The command a RUN with here-documents runs, as BuildKit does: a bare `RUN <<EOF` runs the body as the shell's
 * script (or, starting with `#!`, as an executable file: `script` is then its path); anything else is handed to
 * the shell whole, which reads the here-documents itself.
 */
export function heredocRunScript(args: string, heredocs: Heredoc[]): { script: string; shebang: boolean } {
  if (isBareHeredoc(args, heredocs)) {
    const body = heredocs[0]!.content;
    return { script: body, shebang: body.startsWith('#!') };
  }
  return { script: heredocFullText(args, heredocs), shebang: false };
}

/** The instruction's arguments followed by its here-documents, as the shell would read them. */
export function heredocFullText(args: string, heredocs: Heredoc[]): string {
  let full = args;
  // Bodies of `<<-` are already without their leading tabs, which the shell would strip anyway.
  for (const doc of heredocs) full += `\n${doc.content}${doc.name}`;
  return `${full}\n`;
}

/**
 * Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and `${VAR+alt}` in a COPY
 * here-document body; everything else (quotes included) stays as written; `\$` is a literal `$`.
 */
export function expandHeredoc(content: string, lookup: Lookup): string {
  return content.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, op?: string, word?: string, bare?: string) => {
    if (all === '\\$') return '$';
    const name = (braced ?? bare)!;
    const value = lookup(name);
    if (op === undefined) return value ?? '';
    const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
    if (op.endsWith('-')) return set ? value! : (word ?? '');
    return set ? (word ?? '') : '';
  });
}

import { EngineError } from '../errors.js';
import { HEREDOC_INSTRUCTIONS, type Heredoc, heredocMarkers, readHeredocs } from './heredoc.js';

/** One instruction of a Dockerfile, its continuation lines joined. */
export interface Instruction {
  /** Upper-case keyword: `RUN`, `COPY`, … */
  cmd: string;
  /** Everything after the keyword and the flags, trimmed. */
  args: string;
  /** `--name=value` flags in front of the arguments (`--name` alone gives `true`). */
  flags: Record<string, string | true>;
  /** Every flag in order, repeated ones included (`RUN --mount=… --mount=…`). */
  flagList?: Array<[string, string | true]>;
  /** The arguments as a JSON array of strings, when they are one (exec form). */
  json: string[] | null;
  /** The line the instruction starts on (1-based). */
  line: number;
  /** The instruction as written, continuations joined: what `Step n/m :` shows. */
  original: string;
  /** Here-documents of a RUN, COPY or ADD (`<<EOF`), in the order their markers appear. */
  heredocs?: Heredoc[];
}

export interface Dockerfile {
  escape: string;
  syntax?: string;
  instructions: Instruction[];
}

export const INSTRUCTIONS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/** Instructions whose arguments may be a JSON array. */
const JSON_FORMS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME']);
/** Instructions that take `--flag` options. */
const FLAGGED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);

/** Parses a Dockerfile: parser directives, comments, line continuations, flags and JSON forms. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let syntax: string | undefined;
  let i = 0;
  // Parser directives: only at the very top, before any other line (comments included).
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (seen.has(key)) throw parseError(i + 1, `only one ${key} parser directive can be used`);
    seen.add(key);
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw parseError(i + 1, `invalid escape token '${m[2]}' does not match ${'`'} or \\`);
      escape = m[2];
    } else if (key === 'syntax') syntax = m[2];
  }

  const instructions: Instruction[] = [];
  while (i < lines.length) {
    const raw = lines[i]!;
    if (isBlankOrComment(raw)) {
      i++;
      continue;
    }
    const start = i + 1;
    let joined = '';
    let line = raw;
    for (;;) {
      const trimmed = line.replace(/\s+$/, '');
      if (trimmed.endsWith(escape) && !trimmed.endsWith(escape + escape)) {
        joined += trimmed.slice(0, -1);
        i++;
        // Comments and empty lines inside a continuation are left out.
        while (i < lines.length && isBlankOrComment(lines[i]!)) i++;
        if (i >= lines.length) break;
        line = lines[i]!;
        continue;
      }
      joined += line;
      i++;
      break;
    }
    const ins = parseInstruction(joined.trim(), start);
    if (HEREDOC_INSTRUCTIONS.has(ins.cmd) && ins.json === null) {
      const markers = heredocMarkers(ins.args);
      if (markers.length > 0) {
        const read = readHeredocs(lines, i, markers);
        if ('unterminated' in read) throw parseError(start, `unterminated heredoc ${read.unterminated.text}: no line "${read.unterminated.name}" ends it`);
        ins.heredocs = read.heredocs;
        i = read.next;
      }
    }
    instructions.push(ins);
  }
  return { escape, ...(syntax !== undefined ? { syntax } : {}), instructions };
}

function isBlankOrComment(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}

function parseInstruction(text: string, line: number): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const cmd = m[1]!.toUpperCase();
  if (!INSTRUCTIONS.has(cmd)) throw parseError(line, `unknown instruction: ${m[1]}`);
  let rest = m[2]!;
  const flags: Record<string, string | true> = {};
  const flagList: Array<[string, string | true]> = [];
  if (FLAGGED.has(cmd)) {
    for (;;) {
      const f = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
      if (!f) break;
      flags[f[1]!] = f[2] ?? true;
      flagList.push([f[1]!, f[2] ?? true]);
      rest = rest.slice(f[0].length);
    }
  }
  const args = rest.trim();
  let json: string[] | null = null;
  if (JSON_FORMS.has(cmd) && args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) json = parsed;
    } catch {
      json = null;
    }
  }
  return { cmd, args, flags, json, line, original: text, ...(flagList.length > 1 ? { flagList } : {}) };
}

export function parseError(line: number, message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `dockerfile parse error on line ${line}: ${message}`);
}

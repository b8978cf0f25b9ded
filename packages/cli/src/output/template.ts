/**
 * A small evaluator for the Go-template subset people use with `--format`:
 * `{{.ID}}`, nested fields `{{.State.Status}}`, `{{json .}}` / `{{json .Config}}`,
 * `{{upper .Name}}`, `{{lower ..}}`, `{{index .Labels "k"}}`, escapes `\t` `\n`,
 * and a leading `table ` that asks for a header row and aligned columns.
 */

export class TemplateError extends Error {
  override name = 'TemplateError';
}

type Node = { kind: 'text'; text: string } | { kind: 'action'; fn: string | null; args: Arg[] };
type Arg = { kind: 'field'; path: string[] } | { kind: 'string'; value: string };

export interface Template {
  /** True when the format began with `table`. */
  table: boolean;
  /** The field paths in order, for headers (`.ID` → `ID`). */
  fields: string[];
  render(data: unknown): string;
}

const FUNCS: Record<string, (...args: unknown[]) => string> = {
  json: (v) => JSON.stringify(v ?? null),
  upper: (v) => toText(v).toUpperCase(),
  lower: (v) => toText(v).toLowerCase(),
  title: (v) => toText(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  index: (v, k) => toText(v && typeof v === 'object' ? (v as Record<string, unknown>)[String(k)] : undefined),
  join: (v, sep) => (Array.isArray(v) ? v.map(toText).join(String(sep)) : toText(v)),
  println: (...vs) => vs.map(toText).join(' ') + '\n',
};

export function compileTemplate(source: string): Template {
  let body = source;
  let table = false;
  if (/^table(\s|$)/.test(body)) {
    table = true;
    body = body.slice(5).trimStart();
  }
  body = body.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const nodes: Node[] = [];
  const fields: string[] = [];
  let pos = 0;
  while (pos < body.length) {
    const open = body.indexOf('{{', pos);
    if (open < 0) {
      nodes.push({ kind: 'text', text: body.slice(pos) });
      break;
    }
    if (open > pos) nodes.push({ kind: 'text', text: body.slice(pos, open) });
    const close = body.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`template: unclosed action in ${JSON.stringify(source)}`);
    const action = parseAction(body.slice(open + 2, close).trim(), source);
    nodes.push(action);
    const field = action.args.find((a) => a.kind === 'field');
    if (field && field.kind === 'field') fields.push(field.path.join('.') || '.');
    pos = close + 2;
  }
  return {
    table,
    fields,
    render: (data) => nodes.map((n) => (n.kind === 'text' ? n.text : evalAction(n, data))).join(''),
  };
}

function parseAction(text: string, source: string): Node & { kind: 'action' } {
  const words = text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  if (words.length === 0) throw new TemplateError(`template: empty action in ${JSON.stringify(source)}`);
  let fn: string | null = null;
  if (!words[0]!.startsWith('.') && !words[0]!.startsWith('"')) {
    fn = words.shift()!;
    if (!(fn in FUNCS)) throw new TemplateError(`template: function "${fn}" not defined`);
  }
  const args: Arg[] = words.map((w) => {
    if (w.startsWith('"')) return { kind: 'string', value: JSON.parse(w) as string };
    if (/^-?\d+$/.test(w)) return { kind: 'string', value: w };
    if (!w.startsWith('.')) throw new TemplateError(`template: unexpected "${w}" in ${JSON.stringify(source)}`);
    return { kind: 'field', path: w === '.' ? [] : w.slice(1).split('.') };
  });
  if (fn === null && args.length !== 1) throw new TemplateError(`template: one field expected in {{${text}}}`);
  return { kind: 'action', fn, args };
}

function evalAction(node: Node & { kind: 'action' }, data: unknown): string {
  const values = node.args.map((a) => (a.kind === 'string' ? a.value : lookup(data, a.path)));
  if (node.fn === null) return toText(values[0]);
  return FUNCS[node.fn]!(...values);
}

function lookup(data: unknown, path: string[]): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') {
      throw new TemplateError(`template: can't evaluate field ${key}`);
    }
    if (!(key in (v as object))) throw new TemplateError(`template: can't evaluate field ${key}`);
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Go's default printing: maps as map[k:v], slices as [a b], nil as <no value>. */
export function toText(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(toText).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, x]) => `${k}:${toText(x)}`).join(' ')}]`;
  }
  return String(v);
}

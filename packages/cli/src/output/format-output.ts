import { compileTemplate } from './template.js';
import { alignTabs, renderTable, type Column } from './table.js';

/** How a list command prints its rows: the default table, `-q`, `--format json`, or a template. */
export interface ListOutput<T> {
  columns: readonly (Column & { field: string })[];
  /** Row objects as templates see them (docker's field names: .ID, .Names, …). */
  rows: readonly T[];
  /** What -q prints for each row. */
  quietField: string;
  /** Headers for template fields (`table {{.ID}}` → "CONTAINER ID"). */
  headers?: Record<string, string>;
}

export interface OutputOptions {
  format?: string;
  quiet?: boolean;
  /** Terminal width when stdout is a terminal. */
  width?: number;
}

export function formatList<T extends object>(out: ListOutput<T>, opts: OutputOptions): string {
  const get = (row: T, field: string): string => String((row as Record<string, unknown>)[field] ?? '');
  if (opts.quiet) return out.rows.map((r) => get(r, out.quietField) + '\n').join('');
  const format = opts.format?.trim();
  if (!format || format === 'table') {
    return renderTable(out.columns, out.rows.map((r) => out.columns.map((c) => get(r, c.field))), opts.width);
  }
  if (format === 'json') return out.rows.map((r) => JSON.stringify(r) + '\n').join('');
  const template = compileTemplate(opts.format!);
  const lines = out.rows.map((r) => template.render(r));
  if (!template.table) return lines.map((l) => l + '\n').join('');
  const header = compileTemplate(opts.format!).fields.reduce(
    (h, f) => h.replace(`{{${templateKeyOf(opts.format!, f)}}}`, out.headers?.[f] ?? f.toUpperCase()),
    opts.format!.replace(/^table\s*/, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n'),
  );
  return alignTabs([header, ...lines]);
}

/** Renders one object (inspect): JSON array by default, or the template per object. */
export function formatObjects(objects: readonly unknown[], format: string | undefined): string {
  if (!format || format === 'json') {
    return format === 'json' ? objects.map((o) => JSON.stringify(o) + '\n').join('') : JSON.stringify(objects, null, 4) + '\n';
  }
  const template = compileTemplate(format);
  return objects.map((o) => template.render(o) + '\n').join('');
}

function templateKeyOf(format: string, field: string): string {
  const m = format.match(new RegExp(`\\{\\{\\s*(\\.${field.replace(/\./g, '\\.')})\\s*\\}\\}`));
  return m ? m[0].slice(2, -2) : `.${field}`;
}

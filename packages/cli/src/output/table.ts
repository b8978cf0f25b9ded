/** Aligned columns like docker's tabwriter (3 spaces between columns), fitted to the terminal width when there is one. */

export interface Column {
  header: string;
  /** May be cut (with …) to make the table fit the terminal; e.g. COMMAND, NAMES. */
  flexible?: boolean;
}

const GAP = 3;

export function renderTable(columns: readonly Column[], rows: readonly string[][], width?: number): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  if (width !== undefined && width > 0) shrink(columns, widths, width);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const w = widths[i]!;
        const text = cell.length > w ? cell.slice(0, Math.max(0, w - 1)) + '…' : cell;
        return i === cells.length - 1 ? text : text.padEnd(w + GAP);
      })
      .join('')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].map((l) => l + '\n').join('');
}

function shrink(columns: readonly Column[], widths: number[], width: number): void {
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  const flexible = columns.map((c, i) => (c.flexible ? i : -1)).filter((i) => i >= 0);
  // Take from the widest flexible column first, never below its header.
  while (total() > width) {
    const widest = flexible
      .filter((i) => widths[i]! > columns[i]!.header.length)
      .sort((a, b) => widths[b]! - widths[a]!)[0];
    if (widest === undefined) return;
    widths[widest]! -= 1;
  }
}

/** Splits tab-separated rendered template lines into aligned columns (for `--format 'table …'`). */
export function alignTabs(lines: readonly string[]): string {
  const rows = lines.map((l) => l.split('\t'));
  const n = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + GAP))).join('').trimEnd() + '\n')
    .join('');
}

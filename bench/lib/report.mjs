// The printed table and the JSON file of a bench run.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarize } from './stats.mjs';

/** Adds per-daemon summaries and the berthd/dockerd ratio of medians to each row. */
export function finishRows(rows) {
  return rows.map((row) => {
    const results = {};
    for (const [name, r] of row.results) {
      results[name] = { ...r, summary: summarize(r.samples) };
    }
    const b = results.berthd?.summary.median;
    const d = results.dockerd?.summary.median;
    const ratio = b !== undefined && d !== undefined && d > 0 ? b / d : null;
    const met = row.target === null || ratio === null ? null : ratio <= row.target;
    return { id: row.id, title: row.title, unit: row.unit, target: row.target, ratio, met, results };
  });
}

export function formatTable(rows) {
  const header = ['case', 'berthd (median)', 'dockerd (median)', 'ratio b/d', 'target'];
  const lines = rows.map((row) => [
    row.title,
    cell(row, 'berthd'),
    cell(row, 'dockerd'),
    row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`,
    row.target === null ? '' : `≤${row.target.toFixed(1)}×${row.met === null ? '' : row.met ? ' met' : ' MISSED'}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...lines.map(fmt)];
  const errors = rows.flatMap((row) => Object.entries(row.results)
    .filter(([, r]) => r.error)
    .map(([name, r]) => `  ${row.title} — ${name}: ${r.error}`));
  if (errors.length) out.push('', 'errors:', ...errors);
  return out.join('\n');
}

function cell(row, name) {
  const r = row.results[name];
  if (!r) return '—';
  if (r.error) return 'error';
  const v = r.summary.median;
  if (row.unit === 'ms') return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  return `${v.toFixed(1)} ${row.unit}`;
}

export function writeJson(dir, startedAt, payload) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

// The printed table and the JSON file of a bench run. A row compares a subject (Berth's
// side: berthd, the Berth registry) with a peer (dockerd, distribution); the ratio is
// subject/peer of the medians, so below 1 means Berth took less time.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarize } from './stats.mjs';

const ENGINE_SIDES = { subject: 'berthd', peer: 'dockerd' };

/**
 * Adds per-side summaries and the subject/peer ratio of medians to each row. A row's
 * `target` is the largest acceptable ratio; an optional `limit` is the largest acceptable
 * subject median in the row's unit (e.g. 50 for "under 50 ms").
 */
export function finishRows(rows, { subject, peer } = ENGINE_SIDES) {
  return rows.map((row) => {
    const results = {};
    for (const [name, r] of row.results) {
      results[name] = { ...r, summary: summarize(r.samples) };
    }
    const s = results[subject]?.summary.median;
    const p = results[peer]?.summary.median;
    const ratio = s !== undefined && p !== undefined && p > 0 ? s / p : null;
    const limit = row.limit ?? null;
    const checks = [];
    if (row.target !== null && ratio !== null) checks.push(ratio <= row.target);
    if (limit !== null && s !== undefined) checks.push(s <= limit);
    const met = checks.length === 0 ? null : checks.every(Boolean);
    const { id, title, unit, target, bytes } = row;
    return { id, title, unit, target, limit, ...(bytes ? { bytes } : {}), ratio, met, results };
  });
}

export function formatTable(rows, { subject, peer } = ENGINE_SIDES) {
  const short = (name) => name[0];
  const header = ['case', `${subject} (median)`, `${peer} (median)`, `ratio ${short(subject)}/${short(peer)}`, 'target'];
  const lines = rows.map((row) => [
    row.title,
    cell(row, subject),
    cell(row, peer),
    row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`,
    targetText(row),
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

function targetText(row) {
  const parts = [];
  // One decimal unless the target needs two (0.33×).
  if (row.target !== null) parts.push(`≤${row.target.toFixed(Math.abs(row.target * 10 - Math.round(row.target * 10)) < 1e-9 ? 1 : 2)}×`);
  if (row.limit != null) parts.push(`≤${row.limit} ${row.unit}`);
  if (parts.length === 0) return '';
  return `${parts.join(', ')}${row.met === null ? '' : row.met ? ' met' : ' MISSED'}`;
}

function cell(row, name) {
  const r = row.results[name];
  if (!r) return '—';
  if (r.error) return 'error';
  const v = r.summary.median;
  if (row.unit === 'ms') {
    const text = `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
    // Transfer rows carry the bytes moved per sample; print the throughput beside the time.
    return row.bytes ? `${text} (${Math.round(row.bytes / 2 ** 20 / (v / 1000))} MiB/s)` : text;
  }
  return `${v.toFixed(1)} ${row.unit}`;
}

export function writeJson(dir, startedAt, payload, prefix = '') {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

import { describe, expect, it } from 'vitest';
import { alignTabs, renderTable } from './table.js';

describe('renderTable', () => {
  const cols = [{ header: 'ID' }, { header: 'COMMAND', flexible: true }, { header: 'NAMES' }];
  const rows = [['abc', '"sleep 1000000"', 'web']];

  it('aligns columns three spaces apart', () => {
    expect(renderTable(cols, rows)).toBe('ID    COMMAND           NAMES\nabc   "sleep 1000000"   web\n');
  });

  it('cuts flexible columns to fit a narrow terminal', () => {
    const out = renderTable(cols, rows, 24);
    expect(out.split('\n').every((l) => l.length <= 24)).toBe(true);
    expect(out).toContain('"sleep 10…');
  });
});

describe('alignTabs', () => {
  it('aligns tab-separated cells', () => {
    expect(alignTabs(['A\tBB', 'CCC\tD'])).toBe('A     BB\nCCC   D\n');
  });
});

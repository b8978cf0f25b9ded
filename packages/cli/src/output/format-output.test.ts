import { describe, expect, it } from 'vitest';
import { formatList, formatObjects } from './format-output.js';

const out = {
  columns: [{ header: 'CONTAINER ID', field: 'ID' }, { header: 'NAMES', field: 'Names' }],
  rows: [{ ID: 'abc', Names: 'web' }, { ID: 'def', Names: 'db' }],
  quietField: 'ID',
  headers: { ID: 'CONTAINER ID', Names: 'NAMES' },
};

describe('formatList', () => {
  it('prints the default table, -q, json lines and templates', () => {
    expect(formatList(out, {})).toBe('CONTAINER ID   NAMES\nabc            web\ndef            db\n');
    expect(formatList(out, { quiet: true })).toBe('abc\ndef\n');
    expect(formatList(out, { format: 'json' })).toBe('{"ID":"abc","Names":"web"}\n{"ID":"def","Names":"db"}\n');
    expect(formatList(out, { format: '{{.Names}}:{{.ID}}' })).toBe('web:abc\ndb:def\n');
  });

  it('puts docker headers over a table template', () => {
    expect(formatList(out, { format: 'table {{.Names}}\\t{{.ID}}' })).toBe('NAMES   CONTAINER ID\nweb     abc\ndb      def\n');
  });
});

describe('formatObjects', () => {
  it('prints an indented JSON array by default and a template per object', () => {
    expect(formatObjects([{ Id: 'a' }], undefined)).toBe('[\n    {\n        "Id": "a"\n    }\n]\n');
    expect(formatObjects([{ Id: 'a' }, { Id: 'b' }], '{{.Id}}')).toBe('a\nb\n');
  });
});

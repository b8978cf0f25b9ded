import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateError } from './template.js';

const row = { ID: 'abc', Names: 'web', State: { Status: 'running' }, Labels: { tier: 'front' }, Ports: [] };

describe('compileTemplate', () => {
  it('renders fields, nested fields and escapes', () => {
    expect(compileTemplate('{{.ID}}\\t{{.Names}} {{.State.Status}}').render(row)).toBe('abc\tweb running');
  });

  it('renders json, index and upper', () => {
    const t = compileTemplate('{{json .State}} {{index .Labels "tier"}} {{upper .Names}}');
    expect(t.render(row)).toBe('{"Status":"running"} front WEB');
    expect(compileTemplate('{{json .}}').render({ a: 1 })).toBe('{"a":1}');
    expect(compileTemplate('{{index .Tags 1}}').render({ Tags: ['a', 'b'] })).toBe('b');
  });

  it('notes a table prefix and the fields for headers', () => {
    const t = compileTemplate('table {{.ID}}\\t{{.Names}}');
    expect(t.table).toBe(true);
    expect(t.fields).toEqual(['ID', 'Names']);
    expect(t.render(row)).toBe('abc\tweb');
  });

  it('prints maps and lists the way Go does', () => {
    expect(compileTemplate('{{.Labels}} {{.Ports}}').render(row)).toBe('map[tier:front] []');
  });

  it('reports unknown fields, functions and unclosed actions', () => {
    expect(() => compileTemplate('{{.Nope}}').render(row)).toThrow(/can't evaluate field Nope/);
    expect(() => compileTemplate('{{frob .ID}}')).toThrow(TemplateError);
    expect(() => compileTemplate('{{.ID')).toThrow(/unclosed/);
  });
});

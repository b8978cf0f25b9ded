import type { EventMessage } from '@berth/sdk';
import { describe, expect, it } from 'vitest';
import { compileEventFilter } from './event-filter.js';

const msg = (Type: EventMessage['Type'], Action: string, ID: string, Attributes: Record<string, string>): EventMessage =>
  ({ Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 0, timeNano: 0 });
const f = (o: Record<string, string[]>) => compileEventFilter(new Map(Object.entries(o)));

const start = msg('container', 'start', 'abc123', { name: 'web', image: 'nginx:1.27', app: 'shop', tier: 'front' });
const pull = msg('image', 'pull', 'sha256:ff', { name: 'nginx:1.27' });
const connect = msg('network', 'connect', 'net1', { name: 'bridge', container: 'abc123', type: 'bridge' });

describe('compileEventFilter', () => {
  it('matches type and event exactly, values OR-ed', () => {
    expect(f({ type: ['container'] })(start)).toBe(true);
    expect(f({ type: ['image', 'network'] })(start)).toBe(false);
    expect(f({ event: ['sta'] })(start)).toBe(false);
    expect(f({ event: ['die', 'start'] })(start)).toBe(true);
  });
  it('matches health_status and exec_* by prefix', () => {
    expect(f({ event: ['exec_start'] })(msg('container', 'exec_start: sh -c ls', 'abc', {}))).toBe(true);
  });
  it('matches containers by id prefix or name, across all event types like dockerd', () => {
    expect(f({ container: ['abc'] })(start)).toBe(true);
    expect(f({ container: ['web'] })(start)).toBe(true);
    expect(f({ container: ['db'] })(start)).toBe(false);
    expect(f({ container: ['web'] })(connect)).toBe(false);
  });
  it('matches images by id, name, or name without tag, and containers by their image', () => {
    expect(f({ image: ['nginx'] })(pull)).toBe(true);
    expect(f({ image: ['nginx:1.27'] })(start)).toBe(true);
    expect(f({ image: ['sha256:ff'] })(pull)).toBe(true);
    expect(f({ image: ['redis'] })(start)).toBe(false);
  });
  it('matches labels by key and key=value, all required', () => {
    expect(f({ label: ['app'] })(start)).toBe(true);
    expect(f({ label: ['app=shop', 'tier=front'] })(start)).toBe(true);
    expect(f({ label: ['app=shop', 'tier=back'] })(start)).toBe(false);
    expect(f({ label: ['app'] })(pull)).toBe(false);
  });
  it('combines keys with AND', () => {
    expect(f({ type: ['network'], network: ['bridge'] })(connect)).toBe(true);
    expect(f({ type: ['network'], network: ['host'] })(connect)).toBe(false);
  });
  it('rejects unknown keys and types naming them', () => {
    expect(() => f({ colour: ['red'] })).toThrow(/invalid filter 'colour'/);
    expect(() => f({ type: ['boat'] })).toThrow(/type=boat/);
  });
});

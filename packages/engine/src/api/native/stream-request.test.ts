import { describe, expect, it } from 'vitest';
import { filtersOf, parseClientMessage } from './stream-request.js';

describe('parseClientMessage', () => {
  it('accepts subscribe and unsubscribe', () => {
    expect(parseClientMessage('{"type":"subscribe","id":"a","stream":{"kind":"events"}}')).toEqual({ type: 'subscribe', id: 'a', stream: { kind: 'events' } });
    expect(parseClientMessage('{"type":"unsubscribe","id":"a"}')).toEqual({ type: 'unsubscribe', id: 'a' });
  });
  it('names what is wrong with a malformed message', () => {
    expect(() => parseClientMessage('{')).toThrow(/not JSON/);
    expect(() => parseClientMessage('[1]')).toThrow(/JSON object/);
    expect(() => parseClientMessage('{"type":"dance","id":"a"}')).toThrow(/unknown message type "dance"/);
    expect(() => parseClientMessage('{"type":"unsubscribe"}')).toThrow(/needs an "id"/);
    expect(() => parseClientMessage(JSON.stringify({ type: 'unsubscribe', id: 'x'.repeat(129) }))).toThrow(/1 to 128/);
    expect(() => parseClientMessage('{"type":"subscribe","id":"a","stream":{"kind":"tv"}}')).toThrow(/events, logs or stats/);
  });
});

describe('filtersOf', () => {
  it('turns stream filters into a filter map and rejects other shapes', () => {
    expect(filtersOf({ type: ['container'], label: ['a=b'] })).toEqual(new Map([['type', ['container']], ['label', ['a=b']]]));
    expect(filtersOf(undefined)).toEqual(new Map());
    expect(() => filtersOf({ type: 'container' } as never)).toThrow(/"type" must be a list of strings/);
    expect(() => filtersOf([] as never)).toThrow(/must be an object/);
  });
});

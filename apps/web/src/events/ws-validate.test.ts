import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './ws-validate.js';

describe('parseClientMessage', () => {
  it('accepts the protocol messages', () => {
    expect(parseClientMessage('{"type":"subscribe","id":"a","topic":{"kind":"logs","hostId":1,"container":"web","tail":10}}')).toMatchObject({ type: 'subscribe', topic: { kind: 'logs' } });
    expect(parseClientMessage('{"type":"subscribe","id":"a","topic":{"kind":"events"}}')).toMatchObject({ type: 'subscribe' });
    expect(parseClientMessage('{"type":"exec.resize","id":"x","cols":80,"rows":24}')).toMatchObject({ type: 'exec.resize' });
    expect(parseClientMessage('{"type":"subscribe","id":"r","topic":{"kind":"registry-events"}}')).toMatchObject({ topic: { kind: 'registry-events' } });
    expect(parseClientMessage('{"type":"subscribe","id":"r","topic":{"kind":"registry-events","registryId":2}}')).toMatchObject({ topic: { registryId: 2 } });
  });
  it('names what is wrong with anything else', () => {
    expect(parseClientMessage('nope')).toBe('the message is not JSON');
    expect(parseClientMessage('[1]')).toMatch(/"id"/);
    expect(parseClientMessage('{"type":"x","id":"a"}')).toMatch(/unknown message type "x"/);
    expect(parseClientMessage(`{"type":"unsubscribe","id":"${'a'.repeat(129)}"}`)).toMatch(/1 to 128/);
    expect(parseClientMessage('{"type":"subscribe","id":"a","topic":{"kind":"logs","hostId":"1","container":"c"}}')).toMatch(/needs hostId and container/);
    expect(parseClientMessage('{"type":"subscribe","id":"a","topic":{"kind":"logs","hostId":1,"container":"c","tail":-1}}')).toMatch(/tail/);
    expect(parseClientMessage('{"type":"exec.start","id":"a","hostId":1,"container":"c","cmd":[]}')).toMatch(/cmd/);
    expect(parseClientMessage('{"type":"subscribe","id":"a","topic":{"kind":"registry-events","registryId":"x"}}')).toMatch(/registryId/);
    expect(parseClientMessage('{"type":"subscribe","id":"a","topic":{"kind":"nope"}}')).toMatch(/registry-events/);
  });
});

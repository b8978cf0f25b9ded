import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseLogLine, parseLogTime } from './log-file.js';

describe('conmon k8s-file log lines', () => {
  it('parses full and partial lines with their stream', () => {
    const full = parseLogLine(Buffer.from('2026-12-03T18:44:26.169851294+00:00 stdout F out-line'))!;
    expect(full.stream).toBe('stdout');
    expect(full.data.toString()).toBe('out-line\n');
    expect(formatTimestamp(full)).toBe('2026-12-03T18:44:26.169851294Z');
    const partial = parseLogLine(Buffer.from('2026-12-03T18:44:26.1+00:00 stderr P no newline'))!;
    expect(partial.stream).toBe('stderr');
    expect(partial.data.toString()).toBe('no newline');
  });

  it('normalises offsets to UTC', () => {
    const entry = parseLogLine(Buffer.from('2026-12-03T20:00:00.5+02:00 stdout F x'))!;
    expect(formatTimestamp(entry)).toBe('2026-12-03T18:00:00.500000000Z');
  });

  it('refuses lines that are not log entries', () => {
    expect(parseLogLine(Buffer.from('garbage'))).toBeNull();
  });

  it('reads since/until as seconds, secs.nanos or dates', () => {
    expect(parseLogTime('1796324345')).toEqual({ seconds: 1796324345, nanos: 0 });
    expect(parseLogTime('1796324345.500000000')).toEqual({ seconds: 1796324345, nanos: 500_000_000 });
    expect(parseLogTime('2026-12-03T18:00:00Z')).toEqual({ seconds: Date.parse('2026-12-03T18:00:00Z') / 1000, nanos: 0 });
    expect(parseLogTime(undefined)).toBeUndefined();
    expect(() => parseLogTime('yesterday')).toThrow(/invalid time value/);
  });
});

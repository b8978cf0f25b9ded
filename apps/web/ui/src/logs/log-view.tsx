import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogsTopic } from '../../../src/events/ws-messages';
import { useSubscription } from '../live/live';
import { LogBuffer, type LogLine } from './log-buffer';
import { LogSelection, type LogFilter } from './log-selection';

const LINE = 18;
const OVERSCAN = 20;
const TAIL = 1000;
/** More than the lines ever in view plus overscan. */
const SLOTS = 512;

/**
 * A container's log, followed live: only the lines in view are in the DOM and at most
 * 100,000 lines are kept, so a chatty container stays smooth. Follow (stick to the end),
 * search, timestamps, stdout/stderr, download.
 */
export function LogView({ hostId, container, name }: { hostId: number; container: string; name: string }) {
  const buffer = useRef(new LogBuffer()).current;
  const [version, setVersion] = useState(0);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [filter, setFilter] = useState<LogFilter>({ stdout: true, stderr: true, search: '' });
  const [ended, setEnded] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(400);
  const viewport = useRef<HTMLDivElement>(null);
  const pending = useRef(0);
  const subscribedOnce = useRef(false);

  const bump = () => {
    if (pending.current) return;
    pending.current = requestAnimationFrame(() => {
      pending.current = 0;
      setVersion((v) => v + 1);
    });
  };

  // After a reconnect, ask for no history again: the lines before are still here.
  const topic = (): LogsTopic => ({ kind: 'logs', hostId, container, tail: subscribedOnce.current ? 0 : TAIL, timestamps: true });
  useSubscription(topic, (m) => {
    if (m.type === 'subscribed') {
      if (subscribedOnce.current) buffer.push('gap', '— reconnected; lines written meanwhile may be missing —');
      subscribedOnce.current = true;
      setEnded(null);
    } else if (m.type === 'log') buffer.push(m.stream, m.line, m.time);
    else if (m.type === 'gap') buffer.push('gap', `— ${m.lost} lines dropped (the browser fell behind) —`);
    else if (m.type === 'end') setEnded('The log ended (the container stopped or is gone).');
    else if (m.type === 'error') setEnded(`The log could not be followed: ${m.message}`);
    bump();
  }, [hostId, container, round]);

  const selection = useMemo(() => new LogSelection(buffer, filter), [filter, buffer]);
  selection.refresh();
  void version;

  useEffect(() => {
    const el = viewport.current!;
    const ro = new ResizeObserver(() => setViewHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  });

  const onScroll = () => {
    const el = viewport.current!;
    setScrollTop(el.scrollTop);
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - LINE;
    if (atEnd !== follow) setFollow(atEnd);
  };

  const total = selection.length;
  // Following: the window is the end of the log, whatever scroll event is still on its way.
  const top = follow ? Math.max(0, total * LINE - viewHeight) : scrollTop;
  const first = Math.max(0, Math.floor(top / LINE) - OVERSCAN);
  const last = Math.min(total, Math.ceil((top + viewHeight) / LINE) + OVERSCAN);
  const lines: { i: number; l: LogLine }[] = [];
  for (let i = first; i < last; i++) {
    const l = selection.lineAt(i);
    if (l) lines.push({ i, l });
  }

  const download = () => {
    const parts: string[] = [];
    for (let i = 0; i < selection.length; i++) {
      const l = selection.lineAt(i)!;
      parts.push(`${timestamps && l.time ? l.time + ' ' : ''}${l.text}\n`);
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob(parts, { type: 'text/plain' }));
    a.download = `${name}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  return (
    <div class="logs">
      <div class="toolbar" role="toolbar" aria-label="Log options">
        <label class="check"><input type="checkbox" name="follow" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow</label>
        <label class="check"><input type="checkbox" name="timestamps" checked={timestamps} onChange={(e) => setTimestamps(e.currentTarget.checked)} /> Timestamps</label>
        <label class="check"><input type="checkbox" name="stdout" checked={filter.stdout} onChange={(e) => setFilter({ ...filter, stdout: e.currentTarget.checked })} /> stdout</label>
        <label class="check"><input type="checkbox" name="stderr" checked={filter.stderr} onChange={(e) => setFilter({ ...filter, stderr: e.currentTarget.checked })} /> stderr</label>
        <label class="field inline"><span class="field-label">Search</span>
          <input type="search" name="log-search" value={filter.search} onInput={(e) => setFilter({ ...filter, search: e.currentTarget.value })} />
        </label>
        <button type="button" class="btn" onClick={download}>Download</button>
        <button type="button" class="btn" onClick={() => { buffer.clear(); bump(); }}>Clear</button>
        <span class="muted" aria-live="polite">{total} lines{buffer.evicted ? ` (oldest ${buffer.evicted} dropped from memory)` : ''}</span>
      </div>
      {ended ? <p class="muted" role="status">{ended} <button type="button" class="link" onClick={() => setRound((r) => r + 1)}>Follow again</button></p> : null}
      <div class="log-viewport" ref={viewport} onScroll={onScroll} tabIndex={0} aria-label={`Log of ${name}`} data-lines={total}>
        <div class="log-body" style={{ height: `${total * LINE}px` }}>
          {/* Keyed by slot, not by line: while a log streams in, the same few elements get new text. */}
          {lines.map(({ i, l }) => (
            <div key={i % SLOTS} class={`log-line log-${l.stream}`} style={{ transform: `translateY(${i * LINE}px)` }}>
              {timestamps && l.time ? <span class="log-time">{l.time} </span> : null}
              <Highlighted text={l.text} search={filter.search} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function Highlighted({ text, search }: { text: string; search: string }) {
  if (!search) return <>{text}</>;
  const lower = text.toLowerCase();
  const needle = search.toLowerCase();
  const parts = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, at)) {
    parts.push(text.slice(at, i), <mark key={i}>{text.slice(i, i + needle.length)}</mark>);
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { roleAtLeast } from '../api/roles';
import { Field } from '../controls/field';
import { live } from '../live/live';
import type { ExecHandle } from '../live/live-connection';
import { session } from '../session/session';
import { useStore } from '../store/store';

/** A shell in a running container: xterm.js over the console's `exec.*` WebSocket messages, resized with the page. */
export function ExecTerminal({ hostId, container, running }: { hostId: number; container: string; running: boolean }) {
  const { user } = useStore(session);
  const allowed = roleAtLeast(user?.role, 'operator');
  const [command, setCommand] = useState('sh');
  const [status, setStatus] = useState('Not connected.');
  const [active, setActive] = useState(false);
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<{ term: Terminal; fit: FitAddon } | null>(null);
  const execSession = useRef<ExecHandle | null>(null);

  useEffect(() => {
    const t = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', convertEol: false, theme: { background: '#11151a' } });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(host.current!);
    fit.fit();
    term.current = { term: t, fit };
    const typed = t.onData((d) => execSession.current?.input(d));
    // The size is also on the element (data-cols, data-rows), for people and tests reading the page.
    const showSize = () => Object.assign(host.current!.dataset, { cols: String(t.cols), rows: String(t.rows) });
    showSize();
    const resized = t.onResize(({ cols, rows }) => {
      showSize();
      execSession.current?.resize(cols, rows);
    });
    const ro = new ResizeObserver(() => fit.fit());
    ro.observe(host.current!);
    return () => {
      ro.disconnect();
      typed.dispose();
      resized.dispose();
      execSession.current?.close();
      t.dispose();
    };
  }, []);

  const connect = (e: Event) => {
    e.preventDefault();
    const { term: t, fit } = term.current!;
    execSession.current?.close();
    fit.fit();
    t.reset();
    const cmd = command.trim().split(/\s+/).filter(Boolean);
    setStatus(`Starting ${cmd.join(' ')}…`);
    setActive(true);
    execSession.current = live().exec({ hostId, container, cmd, cols: t.cols, rows: t.rows }, (m) => {
      if (m.type === 'subscribed') {
        setStatus(`Connected: ${cmd.join(' ')}`);
        t.focus();
      } else if (m.type === 'exec.output') t.write(m.data);
      else if (m.type === 'exec.exit') {
        setStatus(m.exitCode === null ? 'Session closed.' : `Exited with code ${m.exitCode}.`);
        setActive(false);
        execSession.current = null;
      } else if (m.type === 'error') {
        setStatus(`Could not start: ${m.message}`);
        setActive(false);
        execSession.current = null;
      }
    });
  };

  const disconnect = () => {
    execSession.current?.close();
    execSession.current = null;
    setActive(false);
    setStatus('Session closed.');
  };

  return (
    <div class="exec">
      <form class="toolbar" onSubmit={connect} aria-label="Exec">
        <Field label="Command"><input name="exec-command" value={command} onInput={(e) => setCommand(e.currentTarget.value)} disabled={active} /></Field>
        <button type="submit" class="btn btn-primary" disabled={!allowed || active || !running} title={!allowed ? `Needs the operator role (you are ${user?.role})` : !running ? 'The container is not running' : undefined}>Connect</button>
        <button type="button" class="btn" onClick={disconnect} disabled={!active}>Disconnect</button>
        <span class="muted" role="status" data-exec-status>{status}</span>
      </form>
      <div class="terminal" ref={host} data-testid="terminal" />
    </div>
  );
}

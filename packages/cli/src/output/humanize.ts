/** The human forms docker prints: "5 seconds ago", "1.23MB", "0.0.0.0:8080->80/tcp". */
import { humanDuration } from '@berth/sdk';

export function timeAgo(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(Math.max(0, now / 1000 - unixSeconds))} ago`;
}

/** go-units HumanSize: decimal units, 4 significant digits at most. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

interface Port {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export function formatPorts(ports: readonly unknown[]): string {
  return (ports as Port[])
    .map((p) => (p.PublicPort ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(', ');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Docker cuts COMMAND to 20 characters with an ellipsis unless --no-trunc. */
export function ellipsis(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

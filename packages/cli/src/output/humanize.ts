/** The human forms docker prints: "5 seconds ago", "1.23MB", "0.0.0.0:8080->80/tcp". */

/** go-units HumanDuration. */
export function humanDuration(exact: number): string {
  const seconds = Math.floor(exact);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${Math.floor(seconds)} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

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

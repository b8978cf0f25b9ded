// How numbers, sizes and times read on screen.

export function bytes(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** "3 min ago" from seconds or milliseconds since the epoch, or an ISO string. */
export function ago(t: number | string | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined || t === '') return '–';
  const ms = typeof t === 'string' ? Date.parse(t) : t < 1e12 ? t * 1000 : t;
  if (!Number.isFinite(ms) || ms <= 0) return '–';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function dateTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined || t === '') return '–';
  const d = new Date(typeof t === 'number' && t < 1e12 ? t * 1000 : t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

export function containerName(names: string[] | undefined, id: string): string {
  return names?.[0]?.replace(/^\//, '') ?? shortId(id);
}

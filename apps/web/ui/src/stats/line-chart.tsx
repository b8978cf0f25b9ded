import { useEffect, useRef } from 'preact/hooks';

export interface ChartLine { label: string; color: string; values: number[] }

interface Props {
  title: string;
  lines: ChartLine[];
  format: (v: number) => string;
  /** The smallest top of the scale (e.g. 100 for percent). */
  minMax?: number;
  height?: number;
}

/** A small line chart on a canvas: the last N samples, scaled to their maximum. */
export function LineChart({ title, lines, format, minMax = 1, height = 140 }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const points = Math.max(0, ...lines.map((l) => l.values.length));
  const max = Math.max(minMax, ...lines.flatMap((l) => l.values)) * 1.1;

  useEffect(() => {
    const el = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    const w = el.clientWidth;
    const h = el.clientHeight;
    if (el.width !== Math.round(w * dpr) || el.height !== Math.round(h * dpr)) {
      el.width = Math.round(w * dpr);
      el.height = Math.round(h * dpr);
    }
    const ctx = el.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#e3e6ea';
    ctx.lineWidth = 1;
    for (let i = 1; i < 4; i++) {
      const y = Math.round((h * i) / 4) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(w, y);
      ctx.stroke();
    }
    const slots = 120;
    for (const line of lines) {
      if (line.values.length === 0) continue;
      ctx.strokeStyle = line.color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      line.values.forEach((v, i) => {
        const x = w - ((line.values.length - 1 - i) * w) / (slots - 1);
        const y = h - (v / max) * (h - 4) - 2;
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
    }
    ctx.fillStyle = '#5b6470';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(format(max), 4, 12);
  });

  const latest = lines.map((l) => `${l.label} ${l.values.length ? format(l.values[l.values.length - 1]!) : '–'}`).join(' · ');
  return (
    <figure class="chart">
      <figcaption><strong>{title}</strong> <span class="muted">{latest}</span></figcaption>
      <canvas ref={canvas} style={{ height: `${height}px` }} data-points={points} role="img" aria-label={`${title}: ${latest}`} />
      <div class="legend">{lines.map((l) => <span key={l.label}><i style={{ background: l.color }} /> {l.label}</span>)}</div>
    </figure>
  );
}

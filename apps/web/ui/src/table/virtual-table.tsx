import { Component, type ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

export interface Column<T> {
  key: string;
  title: string;
  /** A CSS grid track: "2fr", "120px", "minmax(80px, 1fr)". */
  width: string;
  render: (row: T) => ComponentChildren;
  /** The value a click on the header sorts by; absent: not sortable. */
  sort?: (row: T) => string | number;
}

interface Props<T> {
  label: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowHeight?: number;
  /** CSS height of the scrolling area. */
  height?: string;
  empty?: string;
  rowClass?: (row: T) => string;
  initialSort?: { key: string; dir: 1 | -1 };
}

const OVERSCAN = 8;

/**
 * A table that renders only the rows in view (plus a few): thousands of rows cost the DOM of
 * about forty, so lists stay fast to render and smooth to scroll. Rows have one fixed height.
 */
export function VirtualTable<T>({ label, rows, columns, rowKey, rowHeight = 34, height = 'calc(100vh - 260px)', empty = 'Nothing here yet.', rowClass, initialSort }: Props<T>) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(600);
  const [sort, setSort] = useState(initialSort ?? null);
  const frame = useRef(0);

  useEffect(() => {
    const el = viewport.current!;
    const ro = new ResizeObserver(() => setViewHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const sorted = useMemo(() => {
    const col = sort && columns.find((c) => c.key === sort.key);
    if (!col?.sort) return rows;
    const by = col.sort;
    return rows.map((r) => [by(r), r] as const).sort((a, b) => (a[0] < b[0] ? -sort!.dir : a[0] > b[0] ? sort!.dir : 0)).map((p) => p[1]);
  }, [rows, sort, columns]);

  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setScrollTop(viewport.current?.scrollTop ?? 0);
    });
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(sorted.length, Math.ceil((scrollTop + viewHeight) / rowHeight) + OVERSCAN);
  const template = columns.map((c) => c.width).join(' ');
  const visible = sorted.slice(first, last);

  return (
    <div class="vtable" role="table" aria-label={label} aria-rowcount={sorted.length + 1} data-rows={sorted.length}>
      <div class="vtable-viewport" ref={viewport} onScroll={onScroll} style={{ height }}>
        <div class="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" aria-sort={sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined}>
              {c.sort ? (
                <button type="button" class="link th" onClick={() => setSort((s) => ({ key: c.key, dir: s?.key === c.key ? (s.dir === 1 ? -1 : 1) : 1 }))}>
                  {c.title}{sort?.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                </button>
              ) : c.title}
            </div>
          ))}
        </div>
        {sorted.length === 0 ? <p class="vtable-empty">{empty}</p> : null}
        <div class="vtable-body" role="rowgroup" style={{ height: `${sorted.length * rowHeight}px` }}>
          {visible.map((row, i) => {
            const key = rowKey(row);
            return <VirtualRow key={key} rowKey={key} row={row} index={first + i} rowHeight={rowHeight} columns={columns} template={template} extraClass={rowClass?.(row) ?? ''} />;
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps<T> { rowKey: string; row: T; index: number; rowHeight: number; columns: Column<T>[]; template: string; extraClass: string }

/**
 * One row, rendered again only when its data, position or the columns change: scrolling
 * renders just the rows coming into view.
 */
class VirtualRow<T> extends Component<RowProps<T>> {
  override shouldComponentUpdate(next: RowProps<T>): boolean {
    const p = this.props;
    return next.row !== p.row || next.index !== p.index || next.columns !== p.columns || next.template !== p.template || next.extraClass !== p.extraClass || next.rowHeight !== p.rowHeight;
  }

  override render({ rowKey, row, index, rowHeight, columns, template, extraClass }: RowProps<T>) {
    return (
      <div role="row" aria-rowindex={index + 2} data-key={rowKey} class={`vtable-row ${extraClass}`}
        style={{ transform: `translateY(${index * rowHeight}px)`, height: `${rowHeight}px`, gridTemplateColumns: template }}>
        {columns.map((c) => <div key={c.key} role="cell" class={`cell-${c.key}`}>{c.render(row)}</div>)}
      </div>
    );
  }
}

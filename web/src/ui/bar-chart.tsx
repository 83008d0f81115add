/**
 * A horizontal bar chart (echarts, loaded on first use): one labelled bar per row, in the
 * row's colour, no animation. The numbers are also in the accessible label.
 */
import { useEffect, useRef } from 'react';

export interface Bar {
  label: string;
  value: number;
  colour: string;
  /** Extra tooltip line, e.g. flows for a protocol. */
  note?: string;
}

const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export function BarChart({
  bars,
  onSelect,
  label,
}: {
  bars: Bar[];
  onSelect?: (b: Bar) => void;
  label: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const clickable = onSelect !== undefined;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    let disposed = false;
    let dispose = () => {};
    void import('../lib/echarts.js').then(({ init }) => {
      if (disposed) return;
      const chart = init(node, undefined, { renderer: 'canvas' });
      // Top bar first: echarts draws the category axis bottom-up.
      const rows = [...bars].reverse();
      chart.setOption({
        animation: false,
        textStyle: { fontFamily: FONT },
        grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
        tooltip: {
          trigger: 'item',
          formatter: (p: { dataIndex: number }) => {
            const b = rows[p.dataIndex]!;
            return `<b>${escapeHtml(b.label)}</b>: ${b.value.toLocaleString('en-US')}${b.note ? `<br>${escapeHtml(b.note)}` : ''}`;
          },
        },
        xAxis: { type: 'value', show: false },
        yAxis: {
          type: 'category',
          data: rows.map((b) => b.label),
          axisTick: { show: false },
          axisLine: { show: false },
          axisLabel: { color: '#3b4752', fontSize: 12 },
        },
        series: [
          {
            type: 'bar',
            barMaxWidth: 16,
            data: rows.map((b) => ({
              value: b.value,
              itemStyle: { color: b.colour, borderRadius: [0, 2, 2, 0] },
            })),
            label: { show: true, position: 'right', color: '#1b232b', fontSize: 12 },
            cursor: clickable ? 'pointer' : 'default',
          },
        ],
      });
      chart.on('click', (p) => {
        const b = rows[p.dataIndex];
        if (b) select.current?.(b);
      });
      const resize = new ResizeObserver(() => chart.resize());
      resize.observe(node);
      dispose = () => {
        resize.disconnect();
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [bars, clickable]);

  const summary = bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  return (
    <div
      ref={el}
      className="chart"
      role="img"
      aria-label={`${label}. ${summary}`}
      style={{ height: Math.max(60, bars.length * 24 + 8) }}
    />
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Inline SVG charts rendered on the server: no chart library, no script, nothing fetched at run time.
import { html, type Safe } from './html.js';

/** Vertical bars over time (runs per bucket); the title of each bar is its exact value. */
export function columnChart(points: Array<{ label: string; value: number }>, opts: { title: string }): Safe {
  const w = 400;
  const h = 120;
  const max = Math.max(1, ...points.map((p) => p.value));
  const bw = w / Math.max(points.length, 1);
  const bars = points.map((p, i) => {
    const bh = Math.round((p.value / max) * (h - 20));
    return html`<rect
      x="${(i * bw + 1).toFixed(1)}"
      y="${h - bh}"
      width="${(bw - 2).toFixed(1)}"
      height="${bh}"
      fill="#4a7bd0"
      ><title>${p.label}: ${p.value}</title></rect
    >`;
  });
  return html`<figure class="card">
    <figcaption>${opts.title} (max ${max})</figcaption>
    <svg role="img" aria-label="${opts.title}" viewBox="0 0 ${w} ${h}" width="100%" height="${h}">
      ${bars}
      <line x1="0" y1="${h}" x2="${w}" y2="${h}" stroke="#999" />
    </svg>
    <div class="muted">${points[0]?.label ?? ''} … ${points.at(-1)?.label ?? ''}</div>
  </figure>`;
}

/** Horizontal bars for counts by key (outcomes, tools, rules, tenants). */
export function barChart(
  rows: Array<{ key: string; count: number }>,
  opts: { title: string; format?: (n: number) => string },
): Safe {
  const fmt = opts.format ?? String;
  if (rows.length === 0)
    return html`<figure class="card">
      <figcaption>${opts.title}</figcaption>
      <div class="muted">none</div>
    </figure>`;
  const max = Math.max(1, ...rows.map((r) => r.count));
  const rowH = 20;
  const w = 400;
  const labelW = 170;
  const bars = rows.map((r, i) => {
    const bw = Math.max(1, Math.round((r.count / max) * (w - labelW - 60)));
    const y = i * rowH;
    return html`<text x="0" y="${y + 14}" font-size="12">${r.key.slice(0, 28)}</text
      ><rect x="${labelW}" y="${y + 3}" width="${bw}" height="${rowH - 6}" fill="#d09a4a" /><text
        x="${labelW + bw + 4}"
        y="${y + 14}"
        font-size="12"
        >${fmt(r.count)}</text
      >`;
  });
  return html`<figure class="card">
    <figcaption>${opts.title}</figcaption>
    <svg
      role="img"
      aria-label="${opts.title}"
      viewBox="0 0 ${w} ${rows.length * rowH}"
      width="100%"
      height="${rows.length * rowH}"
    >
      ${bars}
    </svg>
  </figure>`;
}

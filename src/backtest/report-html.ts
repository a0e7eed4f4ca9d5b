// The backtest's self-contained HTML report: no scripts, no external assets; charts are inline SVG (a rate bar
// with its 95% interval per dimension, overall and per category).
import type { Rate } from '../scoring/aggregate.js';
import type { TenantScorecard } from '../scoring/scorecard.js';
import type { Cost } from './cost.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const f2 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));

function chart(rates: Record<string, Rate>): string {
  const rows = Object.entries(rates).filter(([, r]) => r.n > 0);
  const w = 520;
  const x0 = 110;
  const scale = (v: number) => x0 + v * (w - x0 - 20);
  const bars = rows.map(([dim, r], i) => {
    const y = 10 + i * 26;
    return [
      `<text x="0" y="${y + 14}" font-size="12">${esc(dim)}</text>`,
      `<rect x="${x0}" y="${y}" width="${scale(r.rate ?? 0) - x0}" height="18" fill="#4c78a8"/>`,
      `<line x1="${scale(r.low ?? 0)}" x2="${scale(r.high ?? 0)}" y1="${y + 9}" y2="${y + 9}" stroke="#222" stroke-width="2"/>`,
      `<text x="${w - 15}" y="${y + 14}" font-size="11" text-anchor="end">${f2(r.rate)} (n=${r.n})</text>`,
    ].join('');
  });
  const h = 20 + rows.length * 26;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img">${bars.join('')}</svg>`;
}

export function renderReportHtml(s: TenantScorecard, cost: { estimate: Cost; actual: Cost }): string {
  const cats = Object.entries(s.card.byCategory)
    .map(([c, v]) => `<h3>${esc(c)} (${v.conversations} conversations)</h3>${chart(v.dims)}`)
    .join('\n');
  const verdicts = s.verdicts
    .map(
      (v) =>
        `<li><strong>${esc(v.category)}: ${v.ready ? 'ready' : 'not ready'}</strong><ul>${v.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deskpilot backtest ${esc(s.source)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}svg{display:block;margin:.5em 0}</style>
</head><body>
<h1>Backtest scorecard</h1>
<p>Tenant ${esc(s.tenantId)}, ${esc(s.source)}: ${s.card.conversations} conversations scored against what the team's humans did.
Bars are agreement rates; whiskers are 95% Wilson intervals.</p>
<p>Cost: estimated $${cost.estimate.usd.toFixed(4)} (${cost.estimate.inputTokens} in / ${cost.estimate.outputTokens} out tokens),
actual $${cost.actual.usd.toFixed(4)} (${cost.actual.inputTokens} in / ${cost.actual.outputTokens} out).</p>
<h2>Overall</h2>${chart(s.card.overall)}
<h2>Readiness</h2><ul>${verdicts}</ul>
<h2>By category</h2>${cats}
</body></html>
`;
}

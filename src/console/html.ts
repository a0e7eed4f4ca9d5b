// Server-rendered HTML with escaping by default: every interpolated value is escaped unless it is already a
// `Safe` fragment built by this module. No client-side script; the stylesheet is inline (no CDN, no fonts).
import { randomBytes } from 'node:crypto';
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

type Value = Safe | string | number | boolean | null | undefined | Date | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map((x: Value) => render(x)).join('');
  if (v instanceof Date) return escapeHtml(v.toISOString());
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Safe {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += render(v) + (strings[i + 1] ?? '')));
  return new Safe(out);
}

export const raw = (s: string): Safe => new Safe(s);

export const usd = (n: number): string => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
export const num = (n: number): string => n.toLocaleString('en-US');
export const when = (d: Date | null | undefined): string => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '-');
export const ms = (n: number | null): string =>
  n === null ? '-' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;

/** Builds a query string from defined values (for links that keep the current filters). */
export function qs(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
header a{color:#cfe1ff;text-decoration:none}header strong{margin-right:12px}
main{padding:16px;max-width:1400px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 16px}
th,td{border:1px solid #dde1e7;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #dde1e7;padding:8px;margin:4px 0;max-height:480px;overflow:auto}
.card{background:#fff;border:1px solid #dde1e7;padding:8px 12px;margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
.turn{border-left:4px solid #4a7bd0;padding-left:8px;margin:8px 0}.tool{border-left:4px solid #d09a4a;padding-left:8px;margin:8px 0}
.err{color:#b00020}.ok{color:#0a7a3b}.muted{color:#6b7380}
form.inline{display:inline}label{margin-right:8px}input,select,button{font:inherit}
`;

export function layout(title: string, body: Safe, opts: { nav?: boolean } = {}): string {
  const nav =
    opts.nav === false
      ? ''
      : html`<header>
          <strong>deskpilot</strong><a href="/console/overview">Overview</a><a href="/console/tenants">Tenants</a
          ><a href="/console/runs">Runs</a><a href="/console/dead-letters">Dead letters</a
          ><a href="/console/audit">Audit</a><a href="/console/scores">Scores</a>
          <form class="inline" method="post" action="/console/logout" style="margin-left:auto">
            <input type="hidden" name="_csrf" value="${CSRF_SLOT}" /><button>Log out</button>
          </form>
        </header>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · deskpilot</title><style>${STYLE}</style></head><body>${render(nav)}<main><h1>${escapeHtml(title)}</h1>${body.value}</main></body></html>`;
}

/** Replaced per response with the request's CSRF token, so every form on a page carries it. */
// Random per process, so text in a page (a customer's message) can never name the slot and receive the token.
export const CSRF_SLOT = `__dp_csrf_${randomBytes(12).toString('hex')}__`;

export const csrfField = (): Safe => html`<input type="hidden" name="_csrf" value="${CSRF_SLOT}" />`;

/** Pretty JSON for <pre> blocks. */
export const json = (v: unknown): string => JSON.stringify(v, null, 2) ?? '';

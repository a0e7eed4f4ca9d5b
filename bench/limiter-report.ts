// The limiter bench's summary: each figure of issue 17 beside its goal, per mode, with a verdict for the
// admitted mode and the baseline (same invocation, same load) to compare against.

export type Mode = 'baseline' | 'admitted';

export interface RunFigures {
  /** Mean share of Intercom's window used by the equal tenants (0..1). */
  budgetUsed: number;
  measured429: number;
  jain: number;
  smallP95Ms: number;
  attemptsPerCall: number;
}

interface Goal {
  label: string;
  goal: string;
  pick: (f: RunFigures) => number;
  met: (x: number) => boolean;
  show: (x: number) => string;
}

const GOALS: Goal[] = [
  {
    label: "small tenants' reply delay p95",
    goal: '< 100 ms',
    pick: (f) => f.smallP95Ms,
    met: (x) => x < 100,
    show: (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'unfinished'),
  },
  {
    label: 'job attempts per accepted Intercom call',
    goal: '<= 1.2',
    pick: (f) => f.attemptsPerCall,
    met: (x) => x <= 1.2,
    show: (x) => x.toFixed(2),
  },
  {
    label: "window budget used (equal tenants' mean)",
    goal: '>= 97%',
    pick: (f) => f.budgetUsed,
    met: (x) => x >= 0.97,
    show: (x) => `${(x * 100).toFixed(1)}%`,
  },
  { label: '429s in the measured windows', goal: '0', pick: (f) => f.measured429, met: (x) => x === 0, show: String },
  {
    label: "Jain's fairness (20 equal tenants)",
    goal: '>= 0.95',
    pick: (f) => f.jain,
    met: (x) => x >= 0.95,
    show: (x) => x.toFixed(4),
  },
];

export function printComparison(results: ReadonlyMap<Mode, RunFigures>): void {
  const base = results.get('baseline');
  const fair = results.get('admitted');
  const lines = ['', 'summary (issue 17): figure | goal | baseline (take-fail-retry) | admitted | verdict (admitted)'];
  for (const g of GOALS) {
    const b = base ? g.show(g.pick(base)) : '-';
    const a = fair ? g.show(g.pick(fair)) : '-';
    const verdict = fair ? (g.met(g.pick(fair)) ? 'met' : 'MISSED') : '-';
    lines.push(`${g.label} | ${g.goal} | ${b} | ${a} | ${verdict}`);
  }
  console.log(lines.join('\n'));
}

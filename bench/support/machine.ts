// What the benchmark ran on, printed beside every figure (issue 8: the machine it ran on).
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export function describeMachine(): string {
  let model = 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) model = m[1].trim();
  } catch (err) {
    if (!(err instanceof Error)) throw err;
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${availableParallelism()} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load average ${load}`;
}

// Copies non-TypeScript runtime assets (Lua scripts, prompts are read from the repo root) into dist.
import { cpSync, existsSync } from 'node:fs';
for (const dir of ['src/limiter']) {
  if (existsSync(dir)) cpSync(dir, `dist/${dir}`, { recursive: true, filter: (f) => !f.endsWith('.ts') });
}

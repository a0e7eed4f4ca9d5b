// Copies runtime assets next to the compiled code: Lua scripts, prompts and the example webhooks resolve
// relative to their modules (import.meta.url), so dist/ must mirror the source tree's layout.
import { cpSync, existsSync } from 'node:fs';
import { argv } from 'node:process';
const out = argv[2] ?? 'dist';
for (const dir of ['src/limiter']) {
  if (existsSync(dir)) cpSync(dir, `${out}/${dir}`, { recursive: true, filter: (f) => !f.endsWith('.ts') });
}
for (const dir of ['prompts', 'examples']) cpSync(dir, `${out}/${dir}`, { recursive: true });

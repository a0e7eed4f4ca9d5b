// The MCP project's conformance suite (server mode) against /mcp: every applicable scenario passes
// (scripts/mcp-conformance.ts, also `npm run conformance`; the rest are listed there with the reason).
import { describe, expect, it } from 'vitest';
import { APPLICABLE, runConformance } from '../../../scripts/mcp-conformance.js';

describe('MCP conformance', () => {
  it('passes every applicable server scenario of @modelcontextprotocol/conformance', async () => {
    const lines: string[] = [];
    const ok = await runConformance((l) => lines.push(l));
    expect(lines.filter((l) => l.startsWith('PASS'))).toEqual(APPLICABLE.map((s) => `PASS ${s}`));
    expect(ok).toBe(true);
  }, 240_000);
});

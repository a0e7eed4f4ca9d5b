import { describe, expect, it } from 'vitest';
import { ALL_TOOLS, buildToolset } from '../../../src/tools/registry.js';
import { DEFAULT_TOOLS } from '../../../src/vault/tenant-store.js';

describe('buildToolset (scopes)', () => {
  it('knows every default tool', () => {
    expect(ALL_TOOLS.map((t) => t.name).sort()).toEqual([...DEFAULT_TOOLS].sort());
  });

  it('offers only granted tools; unknown names grant nothing', () => {
    const set = buildToolset(['triage', 'add_note', 'delete_workspace'], 'autonomous');
    expect(set.tools.map((t) => t.name)).toEqual(['triage', 'add_note']);
    expect(set.get('reply')).toBeUndefined();
    expect(set.get('delete_workspace')).toBeUndefined();
    expect(buildToolset([], 'autonomous').specs()).toEqual([]);
  });

  it('assist removes customer-visible tools even when granted; shadow keeps them (the gate turns them into notes)', () => {
    const assist = buildToolset(DEFAULT_TOOLS, 'assist')
      .specs()
      .map((s) => s.name);
    expect(assist).not.toContain('reply');
    expect(assist).not.toContain('close');
    expect(assist).toContain('handoff');
    expect(
      buildToolset(DEFAULT_TOOLS, 'shadow')
        .specs()
        .map((s) => s.name),
    ).toContain('reply');
  });

  it('specs are strict JSON Schemas with no conversation, contact or id input', () => {
    for (const spec of buildToolset(DEFAULT_TOOLS, 'autonomous').specs()) {
      expect(spec.input_schema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(spec.input_schema).not.toHaveProperty('$schema');
      const props = Object.keys((spec.input_schema.properties as object | undefined) ?? {});
      expect(props.filter((p) => /conversation|contact|(^|_)id$/i.test(p))).toEqual([]);
      expect(spec.description.length).toBeGreaterThan(20);
    }
  });
});

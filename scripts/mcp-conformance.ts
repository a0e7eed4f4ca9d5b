// Runs the MCP project's conformance suite (@modelcontextprotocol/conformance, server mode) against /mcp of a
// stack on the sandboxes: real Redis and Postgres (TEST_REDIS_URL, TEST_DATABASE_URL), a tenant, a read+write
// token. The suite sends no credentials, so a loopback proxy adds `Authorization: Bearer <token>` and forwards
// every other header (Host and Origin too, so the DNS-rebinding check reaches the endpoint). Exits 1 when any
// applicable check fails. Scenarios that need the suite's own fixture tools, prompts or resources are listed in
// NOT_APPLICABLE with the reason (README: the MCP endpoint).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack } from '@deskpilot/testkit';
import { createMcpTokenStore, scopesFor } from '../src/mcp/token-store.js';
import { DEFAULT_TOOLS } from '../src/vault/tenant-store.js';

export const APPLICABLE = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'] as const;
export const NOT_APPLICABLE: Record<string, string> = {
  'logging-set-level': 'the server declares no logging capability',
  'completion-complete': 'the server declares no completions capability',
  'tools-call-simple-text': "calls the suite's fixture tool test_simple_text",
  'tools-call-image': "calls the suite's fixture tool test_image_content",
  'tools-call-audio': "calls the suite's fixture tool test_audio_content",
  'tools-call-embedded-resource': "calls the suite's fixture tool test_embedded_resource",
  'tools-call-mixed-content': "calls the suite's fixture tool test_multiple_content_types",
  'tools-call-with-logging': "calls the suite's fixture tool test_tool_with_logging",
  'tools-call-error': "calls the suite's fixture tool test_error_handling",
  'tools-call-with-progress': "calls the suite's fixture tool test_tool_with_progress",
  'tools-call-sampling': "calls the suite's fixture tool test_sampling (the server never samples)",
  'tools-call-elicitation': "calls the suite's fixture tool test_elicitation (the server never elicits)",
  'json-schema-2020-12': "lists the suite's fixture tool json_schema_2020_12_tool",
  'elicitation-sep1034-defaults': "calls the suite's fixture elicitation tool",
  'elicitation-sep1330-enums': "calls the suite's fixture elicitation tool",
  'server-sse-polling': 'stateless JSON responses: the server opens no SSE streams (GET /mcp is 405)',
  'server-sse-multiple-streams': 'stateless JSON responses: the server opens no SSE streams (GET /mcp is 405)',
  'resources-list': 'the server offers no resources',
  'resources-read-text': 'the server offers no resources',
  'resources-read-binary': 'the server offers no resources',
  'resources-templates-read': 'the server offers no resources',
  'resources-subscribe': 'the server offers no resources',
  'resources-unsubscribe': 'the server offers no resources',
  'prompts-list': 'the server offers no prompts',
  'prompts-get-simple': 'the server offers no prompts',
  'prompts-get-with-args': 'the server offers no prompts',
  'prompts-get-embedded-resource': 'the server offers no prompts',
  'prompts-get-with-image': 'the server offers no prompts',
};

/** Forwards to the stack, adding the bearer token; Host, Origin and everything else pass through unchanged. */
async function startAuthProxy(target: string, token: string) {
  const t = new URL(target);
  const server = createServer((req, res) => {
    const up = request(
      {
        host: t.hostname,
        port: t.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, authorization: `Bearer ${token}` },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function runScenario(url: string, scenario: string): Promise<{ ok: boolean; output: string }> {
  const child = spawn(
    process.execPath,
    ['node_modules/@modelcontextprotocol/conformance/dist/index.js', 'server', '--url', url, '--scenario', scenario],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  // The suite prints `Passed: n/m, k failed`; every check of the scenario must pass, and there must be some.
  const m = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(output);
  return { ok: code === 0 && m !== null && m[1] === m[2] && Number(m[2]) > 0 && m[3] === '0', output };
}

export async function runConformance(log: (line: string) => void = console.log): Promise<boolean> {
  const env = process.env;
  const stack = await startStack({
    serve: true,
    work: false,
    modelSandbox: false,
    db: { schemaIn: env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    env: { REDIS_URL: env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  });
  try {
    const { tenant } = await stack.addTenant({ allowedTools: [...DEFAULT_TOOLS] });
    const { token } = await createMcpTokenStore({ db: stack.deps.db }).create({
      tenantId: tenant.id,
      label: 'conformance',
      scopes: scopesFor('write'),
      ttlMs: 600_000,
    });
    const proxy = await startAuthProxy(stack.url, token);
    let allOk = true;
    try {
      for (const scenario of APPLICABLE) {
        const r = await runScenario(`http://localhost:${proxy.port}/mcp`, scenario);
        allOk &&= r.ok;
        log(`${r.ok ? 'PASS' : 'FAIL'} ${scenario}${env.CONFORMANCE_VERBOSE ? `\n${r.output}` : ''}`);
        if (!r.ok) log(r.output);
      }
    } finally {
      await proxy.close();
    }
    for (const [scenario, reason] of Object.entries(NOT_APPLICABLE)) log(`n/a  ${scenario}: ${reason}`);
    return allOk;
  } finally {
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConformance().then(
    (ok) => process.exit(ok ? 0 : 1),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

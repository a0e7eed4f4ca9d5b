// The shipped monitoring files agree with the code. Every metric the dashboard queries exists,
// Prometheus scrapes both roles on the ports compose gives them, and the worker's healthcheck is its own.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { createMetrics } from '../../../src/metrics.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

const Compose = z.object({
  services: z.record(
    z.string(),
    z.looseObject({
      environment: z.record(z.string(), z.unknown()).optional(),
      healthcheck: z.looseObject({ test: z.array(z.string()) }).optional(),
    }),
  ),
});
const Scrape = z.object({
  scrape_configs: z.array(
    z.object({
      job_name: z.string(),
      dns_sd_configs: z.array(z.object({ names: z.array(z.string()), port: z.number() })),
    }),
  ),
});

describe('deploy/ files', () => {
  it('the dashboard queries only metrics the processes export', async () => {
    const exported = new Set(
      (await createMetrics({ defaultMetrics: true }).registry.getMetricsAsJSON()).map((m) => m.name),
    );
    const used = [...read('deploy/grafana/dashboards/deskpilot.json').matchAll(/deskpilot_[a-z0-9_]+/g)].map(
      (m) => m[0],
    );
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(exported, name).toContain(name.replace(/_(bucket|sum|count)$/, ''));
  });

  it('scrapes the receiver on PORT and every worker on METRICS_PORT, and the worker checks its own port', () => {
    const compose = Compose.parse(parse(read('docker-compose.yml')));
    const worker = compose.services.worker!;
    const metricsPort = Number(worker.environment?.METRICS_PORT);
    expect(metricsPort).toBeGreaterThan(0);
    expect(worker.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${metricsPort}/readyz`);
    const scrape = Scrape.parse(parse(read('deploy/prometheus.yml')));
    const target = (service: string) =>
      scrape.scrape_configs.flatMap((c) => c.dns_sd_configs).find((s) => s.names.includes(service));
    expect(target('worker')?.port).toBe(metricsPort);
    expect(target('receiver')?.port).toBe(Number(compose.services.receiver!.environment?.PORT));
  });
});

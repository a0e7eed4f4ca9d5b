// REDIS_URL for a Redis Cluster: several seed nodes in one URL, credentials decoded, TLS by scheme.
import { describe, expect, it } from 'vitest';
import { parseClusterUrl } from '../../../src/queue/connections.js';

describe('parseClusterUrl', () => {
  it('reads the seed nodes, credentials and TLS', () => {
    expect(parseClusterUrl('rediss+cluster://app:p%40ss@a.example:7000,10.0.0.2:7001/')).toEqual({
      nodes: [
        { host: 'a.example', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      tls: true,
      username: 'app',
      password: 'p@ss',
    });
    expect(parseClusterUrl('redis+cluster://127.0.0.1:7301')).toEqual({
      nodes: [{ host: '127.0.0.1', port: 7301 }],
      tls: false,
    });
  });

  it('leaves a plain URL alone and refuses a node without a port', () => {
    expect(parseClusterUrl('redis://127.0.0.1:6379')).toBeUndefined();
    expect(() => parseClusterUrl('redis+cluster://a.example,b.example:7000')).toThrow(RangeError);
  });
});

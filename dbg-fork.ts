import { fork } from 'node:child_process';
const child = fork('/work/main/bench/limiter-worker.ts', [], { execArgv: ['--import', 'tsx'] });
child.on('message', (m) => console.log('MSG', JSON.stringify(m).slice(0, 200)));
child.on('exit', (c) => console.log('EXIT', c));
child.on('error', (e) => console.log('ERR', e));
child.send({ type: 'start', config: { redisUrl: 'redis://127.0.0.1:6379', prefix: 'bench_dbg', queue: 'q', baseUrl: 'http://127.0.0.1:1', version: '2.15', appId: 'a', tokens: {}, concurrency: 2, maxWaitMs: 100, limits: { appPerMinute: 600, workspacePerMinute: 600 } } });
setTimeout(() => { child.send({ type: 'stop' }); }, 3000);
setTimeout(() => process.exit(0), 6000);

// `intercom-sandbox [--port 4010] [--host 127.0.0.1]`: the sandbox standalone, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { createIntercomSandbox } from './intercom-sandbox.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID } from './intercom-seed-data.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0-65535, got ${values.port}`);
const sandbox = await createIntercomSandbox({ port, host: values.host });
process.stdout.write(`Intercom sandbox: ${sandbox.url}  (INTERCOM_BASE_URL)\n`);
process.stdout.write(
  `Seeded workspace ${SEED_APP_ID}; a token for its bot admin: ${sandbox.issueToken(SEED_APP_ID, SEED_BOT_ADMIN_ID)}\n`,
);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

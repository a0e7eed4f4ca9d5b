// `model-sandbox [--port 4020] [--host 127.0.0.1] [--api-key KEY]`: the sandbox standalone, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { createModelSandbox } from './model-sandbox.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4020' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0-65535, got ${values.port}`);
const apiKey = values['api-key'];
const sandbox = await createModelSandbox({ port, host: values.host, ...(apiKey ? { apiKey } : {}) });
process.stdout.write(`Model sandbox: ${sandbox.url}  (ANTHROPIC_BASE_URL)\n`);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

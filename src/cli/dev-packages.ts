// The sandboxes and the testkit are workspaces of a source checkout, not part of the production build: commands
// that use them (`sandbox`, `demo`) load them with import() when they run, so `serve`, `work` and `all` never do.
import { ConfigError } from '../errors.js';

export async function loadDevPackage<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    // Not installed (the production image), or compiled JavaScript that cannot load the workspaces' TypeScript.
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNKNOWN_FILE_EXTENSION')
      throw new ConfigError(`\`deskpilot ${command}\` runs from a source checkout (npm ci; npm run ${command})`, {
        cause: err,
      });
    throw err;
  }
}

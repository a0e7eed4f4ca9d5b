// Process lifecycle shared by every entry point: start-up checks (safe Redis, applied migrations) and a clean
// stop on SIGTERM/SIGINT.
import { migrateToLatest, pendingMigrations } from '../db/database.js';
import type { CoreDeps } from '../deps.js';
import { MigrationFailedError } from '../errors.js';
import { assertNoEviction } from '../queue/connections.js';

export async function preflight(deps: CoreDeps, migrate: boolean): Promise<void> {
  await assertNoEviction(deps.redis);
  if (migrate) await migrateToLatest(deps.db);
  const pending = await pendingMigrations(deps.db);
  if (pending.length > 0)
    throw new MigrationFailedError(`database migrations not applied: ${pending.join(', ')}; run \`deskpilot migrate\``);
  // Lets a process that cannot open the stored secrets tell whether it lacks a newer or an older key.
  await deps.keySightings.record(deps.vaultKeyId);
}

/** Wires SIGTERM/SIGINT to a clean stop; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, onError: (err: unknown) => void): void {
  let signalled = false;
  const handler = () => {
    if (signalled) process.exit(1);
    signalled = true;
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        onError(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

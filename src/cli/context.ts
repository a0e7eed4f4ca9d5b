// What every CLI command receives: config, a logger and lazily built deps. Commands export run(args, ctx).
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../logger.js';

export interface CliContext {
  config: Config;
  logger: Logger;
  deps(): Promise<Deps>;
  print(line: string): void;
}

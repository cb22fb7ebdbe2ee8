import { systemClock, type Clock } from "./clock.js";
import { silentLogger, type Logger } from "./logger.js";
import { systemRandom, type Random } from "./random.js";

/** What every service takes from outside: time, randomness, logging, the environment. */
export interface Deps {
  clock: Clock;
  random: Random;
  logger: Logger;
  /**
   * What templates, conditions, scripts and secrets read as `env.X`. `createApp` replaces it with
   * the config files' view (core/env-access.ts); the raw environment reaches nothing else.
   */
  env: Record<string, string | undefined>;
}

export function defaultDeps(overrides: Partial<Deps> = {}): Deps {
  return {
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? systemRandom,
    logger: overrides.logger ?? silentLogger,
    env: overrides.env ?? process.env,
  };
}

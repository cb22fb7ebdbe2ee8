import { pino } from "pino";
import pretty from "pino-pretty";
import type { Logger } from "../core/logger.js";

/**
 * Pretty one-line logs on a terminal, JSON lines otherwise (CI, log collectors).
 * pino-pretty runs as a stream in this thread: no transport worker to outlive the process.
 */
export function createLogger(level = process.env.MOCKFORGE_LOG_LEVEL ?? "info"): Logger {
  if (process.stdout.isTTY) {
    return pino({ level }, pretty({ colorize: true, singleLine: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" })) as unknown as Logger;
  }
  return pino({ level, base: undefined }) as unknown as Logger;
}

import { createRequire } from "node:module";
import { pino } from "pino";
import { REDACT_LOG_PATHS } from "../admin/redact.js";
import { systemClock } from "../core/clock.js";
import { guardLogFloods } from "../core/log-flood-guard.js";
import type { Logger } from "../core/logger.js";

const require = createRequire(import.meta.url);

/**
 * Pretty one-line logs on a terminal, JSON lines otherwise (CI, log collectors).
 * pino-pretty runs as a stream in this thread: no transport worker to outlive the process.
 * It is loaded only for a terminal (~60 ms of start-up otherwise spent for nothing).
 * Floods of identical warnings and errors are folded into one count per 10 s (guardLogFloods).
 */
export function createLogger(level = process.env.MOCKFORGE_LOG_LEVEL ?? "info"): Logger {
  let base;
  if (process.stdout.isTTY) {
    const pretty = require("pino-pretty") as typeof import("pino-pretty");
    base = pino({ level, redact: [...REDACT_LOG_PATHS] }, pretty({ colorize: true, singleLine: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" }));
  } else base = pino({ level, base: undefined, redact: [...REDACT_LOG_PATHS] });
  return guardLogFloods(base as unknown as Logger, systemClock);
}

/**
 * The logger shape the domain code uses. `app.ts` passes a pino logger; tests pass
 * `silentLogger` or `memoryLogger()`. Keeping the shape this small keeps pino out of domain code.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = () => {};

export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  obj: object | string;
  msg?: string;
}

/** A logger that keeps what it was told, for asserting on warnings in tests. */
export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const log = (level: LogLine["level"]) => (obj: object | string, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  const self = {
    lines,
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: () => self,
  };
  return self;
}

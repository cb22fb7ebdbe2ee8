/**
 * Keeps a flood of identical errors from drowning the log (a full disk made 4,800 stack traces
 * in 2 s). The first error of a kind is logged in full; repeats within `intervalMs` are counted,
 * and the count is logged once per interval ("… repeated 4,799 times in the last 10 s").
 * "Identical" means the same level, message and error code/message. Warnings and errors only:
 * info and debug lines pass through untouched.
 */
import type { Clock, TimerHandle } from "./clock.js";
import type { Logger } from "./logger.js";

interface Seen {
  until: number;
  repeats: number;
  level: "warn" | "error";
  msg: string;
  sample: object;
}

export function guardLogFloods(inner: Logger, clock: Clock, intervalMs = 10_000): Logger {
  const seen = new Map<string, Seen>();
  let timer: TimerHandle | undefined;

  const flush = () => {
    timer = undefined;
    const now = clock.now();
    for (const [key, s] of seen) {
      if (s.repeats > 0) {
        inner[s.level]({ ...s.sample, repeated: s.repeats, intervalMs }, `${s.msg} (repeated ${s.repeats} more times in the last ${Math.round(intervalMs / 1000)} s)`);
        s.repeats = 0;
        s.until = now + intervalMs;
      } else if (s.until <= now) seen.delete(key);
    }
    if (seen.size > 0) arm();
  };
  const arm = () => {
    // Housekeeping: a pending count must not keep a finished CLI run alive.
    timer ??= clock.setTimeout(flush, intervalMs, { background: true });
  };

  const guarded = (level: "warn" | "error") => (obj: object | string, msg?: string) => {
    const text = typeof obj === "string" ? obj : (msg ?? "");
    const key = `${level}\u0000${text}\u0000${typeof obj === "string" ? "" : errorKey(obj)}`;
    const s = seen.get(key);
    if (s && s.until > clock.now()) {
      s.repeats++;
      return;
    }
    seen.set(key, { until: clock.now() + intervalMs, repeats: 0, level, msg: text, sample: typeof obj === "string" ? {} : obj });
    arm();
    if (typeof obj === "string") inner[level](obj);
    else inner[level](obj, msg);
  };

  return {
    debug: (o, m) => inner.debug(o, m),
    info: (o, m) => inner.info(o, m),
    warn: guarded("warn"),
    error: guarded("error"),
    child: (bindings) => guardLogFloods(inner.child(bindings), clock, intervalMs),
  };
}

/** What tells two errors apart: the error's code and message when the line carries one. */
function errorKey(obj: object): string {
  const err = (obj as { err?: unknown }).err;
  if (err === undefined) return "";
  if (typeof err === "string") return err;
  const e = err as { code?: unknown; message?: unknown };
  return `${String(e.code ?? "")} ${String(e.message ?? "")}`;
}

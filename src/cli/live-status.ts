/**
 * The live output of `scenario run` and `chain run` (issue 15 item 12). Each finished event
 * (step, hook, link, rule run, delivery) is a line that stays. On a terminal, what is going on
 * now ("step slow_orders (2/3)", "waiting for rule runs and deliveries") is one more line at the
 * bottom, rewritten in place (`\r`, erase line) with the time spent, so a run that waits on a
 * retry or a slow route visibly lives; it is erased before anything else is written, so it never
 * mixes with the lines, and `stop()` leaves nothing half-drawn (before the report, on Ctrl-C).
 * Piped, there is no status line and each event is one plain line, as logs expect.
 */
import type { Clock, TimerHandle } from "../core/clock.js";

/** What is written to: `process.stdout`, or a test's fake terminal. */
export interface LiveStream {
  isTTY?: boolean;
  /** Width of the terminal: the status line is cut to fit, since a wrapped line cannot be rewritten. */
  columns?: number;
  write(chunk: string): unknown;
}

export interface LiveOutput {
  /** True when a status line is drawn (the stream is a terminal). */
  readonly tty: boolean;
  /** A finished event: one line that stays (dimmed on a terminal); `next` replaces the status under it. */
  line(text: string, next?: string | null): void;
  /** What is going on now; null hides it. On a terminal only: ignored when piped. */
  status(text: string | null): void;
  /**
   * Erases the status line for good (later `status` calls are ignored, so an event arriving
   * during Ctrl-C or the report draws nothing); lines can still be written.
   */
  stop(): void;
}

const ERASE = "\r\u001b[2K";
const DIM = "\u001b[2m";
const RESET = "\u001b[0m";
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** Redraw period: fast enough to look alive, slow enough to cost nothing. */
export const TICK_MS = 200;

/**
 * @example
 * const live = createLiveOutput(process.stdout, systemClock);
 * live.status("step create_order (1/3)");
 * live.line("step create_order: succeeded");
 * live.stop();
 */
export function createLiveOutput(stream: LiveStream, clock: Clock): LiveOutput {
  const tty = stream.isTTY === true;
  const started = clock.monotonic();
  let current: string | null = null;
  let drawn = false;
  let frame = 0;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const erase = () => {
    if (drawn) stream.write(ERASE);
    drawn = false;
  };
  const draw = () => {
    if (current === null) return erase();
    const seconds = ((clock.monotonic() - started) / 1000).toFixed(1);
    const text = fit(`${SPINNER[frame++ % SPINNER.length]} ${current}  ${seconds} s`, stream.columns);
    stream.write(`${ERASE}${text}`);
    drawn = true;
  };
  // Cosmetic: nobody awaits it, so it must not keep the process alive (`background`).
  const tick = () => {
    draw();
    timer = clock.setTimeout(tick, TICK_MS, { background: true });
  };

  const status = (text: string | null) => {
    if (!tty || stopped) return;
    current = text;
    if (text === null) {
      clock.clearTimeout(timer);
      timer = undefined;
      erase();
      return;
    }
    if (timer === undefined) tick();
    else draw();
  };

  return {
    tty,
    status,
    line(text, next) {
      const plain = text.trimStart();
      if (!tty) {
        stream.write(`${plain}\n`);
        return;
      }
      erase();
      stream.write(`${DIM}${plain}${RESET}\n`);
      if (next !== undefined) status(next);
      else if (current !== null) draw();
    },
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
      timer = undefined;
      current = null;
      erase();
    },
  };
}

/** Cuts `text` to the terminal's width less one (a full-width line wraps on some terminals). */
function fit(text: string, columns: number | undefined): string {
  if (!columns || columns < 2) return text;
  const chars = [...text];
  return chars.length < columns ? text : `${chars.slice(0, columns - 2).join("")}…`;
}

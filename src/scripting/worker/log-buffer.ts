import type { ScriptLogLine } from "../script-types.js";

/**
 * Keeps a run's first `maxLines` console lines, each cut to `maxChars`, and counts the rest:
 * a log flood costs a counter, not memory.
 */
export class LogBuffer {
  readonly lines: ScriptLogLine[] = [];
  dropped = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxChars: number,
    /** Epoch ms for a line logged now. */
    private readonly now: () => number,
  ) {}

  /** True once no more lines are kept. */
  get full(): boolean {
    return this.lines.length >= this.maxLines;
  }

  /** Adds a line, or counts it as dropped when the buffer is full. */
  add(level: ScriptLogLine["level"], message: string): void {
    if (this.full) {
      this.dropped++;
      return;
    }
    const text =
      message.length > this.maxChars
        ? `${message.slice(0, this.maxChars)}… (cut: the line had ${message.length} characters, ${this.maxChars} are kept)`
        : message;
    this.lines.push({ level, message: text, time: this.now() });
  }
}

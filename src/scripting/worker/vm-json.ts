/**
 * Moves values across the sandbox boundary as JSON text, using the context's own
 * `JSON.parse`/`JSON.stringify` (one call each way instead of building objects field by field).
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";

export type JsonText = { ok: true; text: string | undefined } | { ok: false; error: QuickJSHandle };

export class VmJson {
  private readonly parseFn: QuickJSHandle;
  private readonly stringifyFn: QuickJSHandle;

  constructor(private readonly ctx: QuickJSContext) {
    const json = ctx.getProp(ctx.global, "JSON");
    this.parseFn = ctx.getProp(json, "parse");
    this.stringifyFn = ctx.getProp(json, "stringify");
    json.dispose();
  }

  /**
   * JSON text of a sandbox value (`text` undefined for undefined and functions). A value that
   * cannot be serialised (cycle, BigInt, a throwing toJSON) gives the sandbox's own error,
   * which host functions rethrow so the script sees it at its own line.
   */
  stringify(value: QuickJSHandle): JsonText {
    const r = this.ctx.callFunction(this.stringifyFn, this.ctx.undefined, value);
    if (r.error) return { ok: false, error: r.error };
    const text = this.ctx.typeof(r.value) === "string" ? this.ctx.getString(r.value) : undefined;
    r.value.dispose();
    return { ok: true, text };
  }

  /** Like `stringify`, for host functions: a failure is thrown into the script. */
  stringifyOrThrow(value: QuickJSHandle): string | undefined {
    const r = this.stringify(value);
    if (!r.ok) throw r.error;
    return r.text;
  }

  /** Host value (JSON-clean) → sandbox value. The caller owns the returned handle. */
  fromHost(value: unknown): QuickJSHandle {
    if (value === undefined) return this.ctx.undefined;
    return this.parse(JSON.stringify(value));
  }

  /** JSON text → sandbox value. The caller owns the returned handle. */
  parse(text: string): QuickJSHandle {
    const s = this.ctx.newString(text);
    try {
      return this.ctx.callFunction(this.parseFn, this.ctx.undefined, s).unwrap();
    } finally {
      s.dispose();
    }
  }

  dispose(): void {
    this.parseFn.dispose();
    this.stringifyFn.dispose();
  }
}

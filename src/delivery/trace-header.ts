/**
 * The loop guard's carrier (SPEC §7): every outbound request says which trace caused it and
 * how deep that trace is, so a call that comes back into this server can be recognised.
 * Format: `x-mockforge-trace: <traceId>;depth=<n>`.
 */

/** Header name, lowercase as node and undici report it. */
export const TRACE_HEADER = "x-mockforge-trace";

export interface TraceContext {
  traceId: string;
  depth: number;
}

/**
 * @example
 * formatTraceHeader({ traceId: "trc_0190ab", depth: 2 }) // "trc_0190ab;depth=2"
 */
export function formatTraceHeader(trace: TraceContext): string {
  return `${trace.traceId};depth=${trace.depth}`;
}

/**
 * Reads the header as received. Returns null when absent or malformed (an unknown caller
 * starts a new trace rather than failing the request). A missing depth reads as 1.
 *
 * @example
 * parseTraceHeader("trc_0190ab;depth=2") // { traceId: "trc_0190ab", depth: 2 }
 */
export function parseTraceHeader(value: string | string[] | undefined | null): TraceContext | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  const [id, ...params] = v.split(";").map((s) => s.trim());
  if (!id || !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) return null;
  let depth = 1;
  for (const p of params) {
    const m = /^depth=(\d{1,6})$/.exec(p);
    if (m) depth = Number(m[1]);
    else return null;
  }
  return { traceId: id, depth };
}

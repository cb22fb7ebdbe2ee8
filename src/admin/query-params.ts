import { MockForgeError } from "../core/errors.js";

type Query = Record<string, string | string[]>;

/** First value of a query parameter. */
export function qstr(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An integer query parameter within bounds; a malformed value is a 400, not a silent default. */
export function qint(q: Query, name: string, dflt: number, min: number, max: number): number {
  const v = qstr(q, name);
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", `Query parameter '${name}' must be an integer from ${min} to ${max}, got '${v}'`);
  }
  return n;
}

/** A time filter: epoch ms or an ISO-8601 date. */
export function qtime(q: Query, name: string): number | undefined {
  const v = qstr(q, name);
  if (v === undefined || v === "") return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new MockForgeError("MFG_ERR_BAD_REQUEST", `Query parameter '${name}' must be epoch ms or an ISO-8601 date, got '${v}'`);
  return n;
}

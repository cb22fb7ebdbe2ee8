import { createHash } from "node:crypto";
import { encodeValue, type Column, type Dialect } from "../row-mapping.js";

/**
 * Many rows as ONE statement parameter: the rows as a JSON array, read back by
 * `json_to_recordset`. The statement's text then does not depend on how many rows there are,
 * so it can be a named prepared statement (parsed once per connection), and the driver binds
 * one string instead of a parameter per value.
 */

/** One record as a JSON object keyed by column, each value encoded as a single statement would bind it. */
export function jsonRow<T>(record: T, cols: readonly Column<T>[], dialect: Dialect, extra?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) out[c.column] = wellFormed(encodeValue(record[c.field], c.codec, dialect));
  if (extra) for (const [k, v] of Object.entries(extra)) out[k] = wellFormed(v);
  return out;
}

// A lone surrogate is escaped by JSON.stringify, and postgres refuses that escape in json: the
// whole batch would fail, and a journal batch is retried forever. A parameter bound as a string
// has it replaced by U+FFFD (UTF-8 encoding); so it is here. JSON columns are JSON text already,
// where JSON.stringify wrote lone surrogates as plain-ASCII escapes.
const LONE_SURROGATE = /[\uD800-\uDFFF]/;
function wellFormed(v: unknown): unknown {
  return typeof v === "string" && LONE_SURROGATE.test(v) ? replaceLoneSurrogates(v) : v;
}
function replaceLoneSurrogates(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * `json_to_recordset($n::json) AS r(<columns>)` for `cols`. Numbers are read as double
 * precision; INTEGER columns take them by assignment cast.
 */
export function recordset<T>(param: number, cols: readonly Column<T>[], extra: readonly string[] = []): string {
  const type = (c: Column<T>) => (c.codec === "bool" ? "boolean" : c.codec === "num" ? "double precision" : "text");
  const defs = [...cols.map((c) => `${c.column} ${type(c)}`), ...extra.map((name) => `${name} text`)];
  return `json_to_recordset($${param}::json) AS r(${defs.join(", ")})`;
}

/** A statement name for `sql`: the same text always gets the same name, as the driver requires. */
export function statementName(kind: string, sql: string): string {
  return `mf_${kind}_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
}

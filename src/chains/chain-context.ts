/**
 * The chain context of SPEC §4: what `{{chain.<name>…}}` reads. Each finished link adds an
 * entry under its `store_as` (or request id) built as `{...bodyFields, status, headers, body,
 * ...extracted}`, so `chain.order.order_id` (an extracted name) and `chain.payment.amount`
 * (a body field) both work, extracted names winning over body fields. Extracted names are also
 * put at the top level (`chain.order_id`) unless a link entry has that name.
 */
import type { Headers } from "../storage/ports.js";

/** A link's final response as the context sees it. */
export interface LinkResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Builds a link's context entry. A plain object with no prototype tricks: body fields are
 * copied as own properties, then `status`/`headers`/`body`, then the extracted values.
 *
 * @example
 * linkContextEntry({ status: 201, headers: {}, body: { id: "ord_1", total: 5 } }, { order_id: "ord_1" })
 * // { id: "ord_1", total: 5, status: 201, headers: {}, body: {…}, order_id: "ord_1" }
 */
export function linkContextEntry(response: LinkResponse | null, extracted: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  const body = response?.body;
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) entry[k] = v;
  }
  if (response) {
    entry.status = response.status;
    entry.headers = response.headers;
    entry.body = response.body;
  }
  for (const [k, v] of Object.entries(extracted)) entry[k] = v;
  return entry;
}

/**
 * The mutable `chain` object of one run. Link entries are set as links finish; scripts may set
 * arbitrary keys (`mockforge.chain_context.set`). Every link name of the chain is known up front
 * so an extracted name never shadows a link's entry, even one that has not finished yet.
 */
export class ChainContext {
  private readonly values = new Map<string, unknown>();
  private readonly linkNames: ReadonlySet<string>;

  constructor(linkNames: Iterable<string> = []) {
    this.linkNames = new Set(linkNames);
  }

  /** Records a finished link under `name` and hoists its extracted values to the top level. */
  setLink(name: string, entry: Record<string, unknown>, extracted: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(extracted)) {
      if (!this.linkNames.has(k)) this.values.set(k, v);
    }
    this.values.set(name, entry);
  }

  /** Sets any key (a script's `mockforge.chain_context.set`). */
  set(key: string, value: unknown): void {
    this.values.set(key, value);
  }

  /** A plain-object copy: what templates read as `chain` and scripts get as their context. */
  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }

  /** Applies what a script changed (`before`: the snapshot it was given, `after`: what it left); see `scriptChanges`. */
  applyScriptChanges(before: Record<string, unknown>, after: Record<string, unknown>): void {
    const { set, deleted } = scriptChanges(before, after);
    for (const [k, v] of set) this.values.set(k, v);
    for (const k of deleted) this.values.delete(k);
  }
}

/**
 * What a script changed in an object it was given a copy of: keys it set or changed (compared
 * as JSON, since values crossed a worker boundary) and keys it deleted. Applying only these
 * keeps what concurrently running links wrote meanwhile.
 *
 * @example
 * scriptChanges({ a: 1, b: 2 }, { a: 1, c: 3 }) // { set: [["c", 3]], deleted: ["b"] }
 */
export function scriptChanges(before: Record<string, unknown>, after: Record<string, unknown>): { set: [string, unknown][]; deleted: string[] } {
  const set: [string, unknown][] = [];
  for (const [k, v] of Object.entries(after)) {
    if (!Object.hasOwn(before, k) || !sameJson(before[k], v)) set.push([k, v]);
  }
  const deleted = Object.keys(before).filter((k) => !Object.hasOwn(after, k));
  return { set, deleted };
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    // Cyclic values cannot come back from a worker; treat an unserialisable value as changed.
    return false;
  }
}

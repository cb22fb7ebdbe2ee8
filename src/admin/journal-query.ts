/**
 * The journal as the dashboard and exports read it: the store's own filters (method, exact
 * path, route, since) plus a few it does not have (status class, path substring, text in the
 * body), applied to at most `SCAN_LIMIT` newest entries, and paged by `offset`/`limit`, so
 * no answer ever carries the whole journal.
 */
import { MockForgeError } from "../core/errors.js";
import type { JournalEntry, JournalStore } from "../storage/ports.js";
import { qint, qstr, qtime } from "./query-params.js";

type Query = Record<string, string | string[]>;

/** Entries a filtered read looks at, newest first. */
export const SCAN_LIMIT = 10_000;

export interface JournalPage {
  entries: JournalEntry[];
  /** True when the filters were applied to the newest SCAN_LIMIT entries only. */
  scanLimited: boolean;
}

export async function queryJournal(journal: JournalStore, query: Query, defaults: { limit: number; maxLimit: number }): Promise<JournalPage> {
  const limit = qint(query, "limit", defaults.limit, 1, defaults.maxLimit);
  const offset = qint(query, "offset", 0, 0, 1_000_000);
  const base = { method: qstr(query, "method")?.toUpperCase() || undefined, path: qstr(query, "path") || undefined, routeId: qstr(query, "route") || undefined, since: qtime(query, "since") };
  const keep = extraFilter(query);
  if (!keep) return { entries: (await journal.list({ ...base, limit: offset + limit })).slice(offset), scanLimited: false };
  const scanned = await journal.list({ ...base, limit: SCAN_LIMIT });
  return { entries: scanned.filter(keep).slice(offset, offset + limit), scanLimited: scanned.length === SCAN_LIMIT };
}

/** `status_class=4xx`, `path_contains=`, `q=` (text in the raw body, case-insensitive); null when none is given. */
export function extraFilter(query: Query): ((e: JournalEntry) => boolean) | null {
  const cls = qstr(query, "status_class");
  const pathPart = qstr(query, "path_contains");
  const text = qstr(query, "q")?.toLowerCase();
  if (cls && !/^[1-5]xx$/.test(cls)) throw new MockForgeError("MFG_ERR_BAD_REQUEST", `status_class must be 1xx to 5xx, got '${cls}'`);
  if (!cls && !pathPart && !text) return null;
  const hundreds = cls ? Number(cls[0]) : 0;
  return (e) =>
    (!cls || Math.floor(e.status / 100) === hundreds) &&
    (!pathPart || e.path.includes(pathPart)) &&
    (!text || (e.rawBodyEncoding === "utf8" && e.rawBody.toLowerCase().includes(text)));
}

/**
 * An entry with its raw body cut to `limit` characters, for pages that must stay light with a
 * 10 MB body in the journal; `rawBodyTruncated` says so and `GET …/requests/<id>/body` has it whole.
 */
export function truncateEntry(e: JournalEntry, limit: number): JournalEntry & { rawBodyTruncated: boolean; rawBodyLength: number } {
  if (e.rawBody.length <= limit) return { ...e, rawBodyTruncated: false, rawBodyLength: e.rawBody.length };
  return { ...e, rawBody: e.rawBody.slice(0, limit), body: null, rawBodyTruncated: true, rawBodyLength: e.rawBody.length };
}

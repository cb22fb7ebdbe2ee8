import type { JournalEntry } from "../ports.js";

/**
 * A batch of journal entries as the main thread sends it to the journal worker and a page
 * stores it: JSON array text of compact entries (see compactEntry), plus each entry's id and
 * time beside it.
 */
export interface JournalPageInput {
  entries: string;
  ids: string[];
  times: number[];
}

/** The journal text of `entries` with their ids and times, as JournalFile.insert takes it. */
export function journalPageInput(entries: readonly JournalEntry[]): JournalPageInput {
  return { entries: JSON.stringify(entries.map(compactEntry)), ids: entries.map((e) => e.id), times: entries.map((e) => e.time) };
}

/**
 * An entry as stored: fields that have their usual value (no query, no body, no notes…) are
 * left out, and expandEntry puts them back. Encoding costs per property, and a GET to a
 * static route has eight of sixteen at their usual value.
 */
function compactEntry(e: JournalEntry): Partial<JournalEntry> {
  const c: Partial<JournalEntry> = { id: e.id, time: e.time, method: e.method, path: e.path, headers: e.headers, routeId: e.routeId, status: e.status, durationMs: e.durationMs };
  if (e.url !== e.path) c.url = e.url;
  if (!isEmptyObject(e.query)) c.query = e.query;
  if (!isEmptyObject(e.params)) c.params = e.params;
  if (e.rawBody !== "") c.rawBody = e.rawBody;
  if (e.rawBodyEncoding !== "utf8") c.rawBodyEncoding = e.rawBodyEncoding;
  if (e.body !== null && e.body !== undefined) c.body = e.body;
  if (e.notes.length > 0) c.notes = e.notes;
  if (e.traceId !== null && e.traceId !== undefined) c.traceId = e.traceId;
  return c;
}

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** An entry read back, every field present and in the usual order (see compactEntry). */
export function expandEntry(c: Partial<JournalEntry>): JournalEntry {
  return {
    id: c.id!,
    time: c.time!,
    method: c.method!,
    path: c.path!,
    url: c.url ?? c.path!,
    query: c.query ?? {},
    params: c.params ?? {},
    headers: c.headers ?? {},
    rawBody: c.rawBody ?? "",
    rawBodyEncoding: c.rawBodyEncoding ?? "utf8",
    body: c.body ?? null,
    routeId: c.routeId ?? null,
    status: c.status!,
    durationMs: c.durationMs!,
    notes: c.notes ?? [],
    traceId: c.traceId ?? null,
  };
}

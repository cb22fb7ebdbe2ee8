import { BODY_IS_PARSED_RAW, type JournalEntry } from "./ports.js";

/**
 * A batch of journal entries as the main thread sends it to the journal worker and a page
 * stores it: JSON array text of packed entries (see packEntry), and each entry's id and
 * time beside it, in the page's `ids` and `times` columns.
 */
export interface JournalPageInput {
  entries: string;
  ids: string[];
  times: number[];
}

/** The journal text of `entries` with their ids and times, as JournalFile.insert takes it. */
export function journalPageInput(entries: readonly JournalEntry[]): JournalPageInput {
  // Filled by push, not preallocated: `new Array(n)` makes holey arrays, which postMessage
  // serializes as sparse ones, index by index (93 against 50 ns per entry for ids and times).
  const packed: PackedEntry[] = [];
  const ids: string[] = [];
  const times: number[] = [];
  for (const e of entries) {
    packed.push(packEntry(e));
    ids.push(e.id);
    times.push(e.time);
  }
  return { entries: JSON.stringify(packed), ids, times };
}

/**
 * An entry as a page stores it: an array of the fields every entry has, in a fixed order,
 * then one object with only the fields that are not at their usual value (no query, no
 * body, no notes…), left out when there are none. Encoding costs per property name and per
 * value, and this runs on the main thread for every served request: a GET to a static route
 * is an array of six values, against sixteen named properties as a JournalEntry.
 *
 * The id and time are not in it: they travel and are stored beside the entries (the `ids`
 * and `times` columns), which the worker needs anyway. Left in, they were a third of the
 * encoding: a time is a number past 2^31, which JSON.stringify writes the slow way (measured
 * under load at 15k requests/s: 1.6 → 1.2 µs per request for the page text).
 */
export type PackedEntry =
  | [method: string, path: string, headers: JournalEntry["headers"], routeId: string | null, status: number, durationMs: number]
  | [method: string, path: string, headers: JournalEntry["headers"], routeId: string | null, status: number, durationMs: number, rest: Rest];

/**
 * Entries as pages written before the id and time moved out store them: the id and time
 * first, then the fields of PackedEntry. Told apart by their second value, a number here
 * and the path (a string) in PackedEntry.
 */
type PackedEntryWithId =
  | [id: string, time: number, method: string, path: string, headers: JournalEntry["headers"], routeId: string | null, status: number, durationMs: number]
  | [id: string, time: number, method: string, path: string, headers: JournalEntry["headers"], routeId: string | null, status: number, durationMs: number, rest: Rest];

/** An entry as any page stores it: packed, packed with its id and time, or (the oldest pages) an object with the usual values left out. */
export type StoredEntry = PackedEntry | PackedEntryWithId | Partial<JournalEntry>;

/** The fields not at their usual value; `bodyIsRawJson` stands for a body that is `JSON.parse(rawBody)`. */
type Rest = Partial<Omit<JournalEntry, typeof BODY_IS_PARSED_RAW>> & { bodyIsRawJson?: 1 };

export function packEntry(e: JournalEntry): PackedEntry {
  let rest: Rest | undefined;
  if (e.url !== e.path) (rest ??= {}).url = e.url;
  if (!isEmptyObject(e.query)) (rest ??= {}).query = e.query;
  if (!isEmptyObject(e.params)) (rest ??= {}).params = e.params;
  if (e.rawBody !== "") (rest ??= {}).rawBody = e.rawBody;
  if (e.rawBodyEncoding !== "utf8") (rest ??= {}).rawBodyEncoding = e.rawBodyEncoding;
  if (e[BODY_IS_PARSED_RAW] === true && e.rawBodyEncoding === "utf8") (rest ??= {}).bodyIsRawJson = 1;
  else if (e.body !== null && e.body !== undefined) (rest ??= {}).body = e.body;
  if (e.notes.length > 0) (rest ??= {}).notes = e.notes;
  if (e.traceId !== null && e.traceId !== undefined) (rest ??= {}).traceId = e.traceId;
  if (e.signature) (rest ??= {}).signature = e.signature;
  return rest === undefined ? [e.method, e.path, e.headers, e.routeId, e.status, e.durationMs] : [e.method, e.path, e.headers, e.routeId, e.status, e.durationMs, rest];
}

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * An entry read back from a page, every field present and in the usual order; `id` and
 * `time` are the page's for this entry (its `ids` and `times` columns). Every stored form
 * reads the same.
 */
export function expandEntry(stored: StoredEntry, id: string, time: number): JournalEntry {
  const c: Rest = !Array.isArray(stored)
    ? stored
    : isPackedWithId(stored)
      ? { id: stored[0], time: stored[1], method: stored[2], path: stored[3], headers: stored[4], routeId: stored[5], status: stored[6], durationMs: stored[7], ...stored[8] }
      : { id, time, method: stored[0], path: stored[1], headers: stored[2], routeId: stored[3], status: stored[4], durationMs: stored[5], ...stored[6] };
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
    body: c.bodyIsRawJson === 1 ? JSON.parse(c.rawBody!) : (c.body ?? null),
    routeId: c.routeId ?? null,
    status: c.status!,
    durationMs: c.durationMs!,
    notes: c.notes ?? [],
    traceId: c.traceId ?? null,
    ...(c.signature ? { signature: c.signature } : {}),
  };
}

function isPackedWithId(stored: PackedEntry | PackedEntryWithId): stored is PackedEntryWithId {
  return typeof stored[1] === "number";
}

/**
 * The ids of a page's entries, in order, from its `ids` column, or from its entries for a
 * page written while that column was left empty (entries then carried their ids).
 */
export function pageIds(idsText: string, entriesText: string): string[] {
  const ids = JSON.parse(idsText) as string[];
  if (ids.length > 0) return ids;
  // An empty ids column means entries of the older forms, which carry their ids.
  return (JSON.parse(entriesText) as (PackedEntryWithId | Partial<JournalEntry>)[]).map((e) => (Array.isArray(e) ? e[0] : e.id!));
}

/**
 * The journal's storage port: the requests the server received, as every backend keeps them
 * (re-exported by `ports.ts`, the index of all storage ports).
 */

export type Headers = Record<string, string | string[]>;

/**
 * Set by the recorder on an entry it appends when `body` is `JSON.parse(rawBody)`: a store
 * may then keep `rawBody` only and parse it back when the entry is read, instead of encoding
 * the same body twice. A symbol, so it never shows in what reads return.
 */
export const BODY_IS_PARSED_RAW: unique symbol = Symbol("mockforge.journal.bodyIsParsedRaw");

/** One request the server received, as the journal keeps it. */
export interface JournalEntry {
  id: string;
  /** Epoch ms when the request arrived. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query as received. */
  url: string;
  query: Record<string, string | string[]>;
  params: Record<string, string>;
  headers: Headers;
  /** The body as received, decoded as UTF-8 (binary bodies are base64 with `rawBodyEncoding: "base64"`). */
  rawBody: string;
  rawBodyEncoding: "utf8" | "base64";
  /** Parsed body: JSON value for JSON, object for forms, string for text, null when absent or unparsable. */
  body: unknown;
  /** Id of the matched route, null when nothing matched (404/405) or the request hit the admin API. */
  routeId: string | null;
  status: number;
  durationMs: number;
  /** Why something unusual happened ("body too large", "loop guard: depth 9 > 8, no webhooks"). */
  notes: string[];
  traceId: string | null;
  /** The route's `verify` outcome; absent when the route checks no signature. */
  signature?: JournalSignature;
  [BODY_IS_PARSED_RAW]?: boolean;
}

/** How a request's signature fared against its route's `verify` block (issue 21). */
export interface JournalSignature {
  valid: boolean;
  scheme: string;
  /** `missing_header`, `malformed_header`, `bad_signature`, `stale_timestamp`, `bad_secret`; null when valid. */
  reason: string | null;
  /** The reason in words; null when valid. */
  message: string | null;
}

export interface JournalFilter {
  method?: string;
  /** Exact path match. */
  path?: string;
  routeId?: string;
  /** Only entries with `time >= since` (epoch ms). */
  since?: number;
  /** At most this many, newest first. Default 100. */
  limit?: number;
}

export interface JournalStore {
  /**
   * Records an entry. May buffer; `list` and `count` always see every appended entry.
   * The store takes the object as it is (this runs once per served request, so nothing is
   * copied): the caller must not change it afterwards. Reads always hand out copies.
   * Synchronous (every store buffers; a failed write is retried and logged by the store), so
   * a served request costs no promise; it throws only once the store is closed.
   */
  append(entry: JournalEntry): void;
  /** Newest first. */
  list(filter?: JournalFilter): Promise<JournalEntry[]>;
  get(id: string): Promise<JournalEntry | undefined>;
  count(): Promise<number>;
  clear(): Promise<void>;
  /** Keeps the newest `max` entries. Returns how many were removed. */
  prune(max: number): Promise<number>;
}

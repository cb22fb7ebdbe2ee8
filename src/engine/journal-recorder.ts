import { BODY_IS_PARSED_RAW, type JournalEntry, type JournalStore } from "../storage/index.js";
import { encodeRawBody } from "./body-parser.js";
import type { MockRequest } from "./mock-request.js";

/**
 * Turns finished exchanges into journal entries, hands them to the store (which batches),
 * tells listeners (the long-poll waiter), and prunes the journal now and then so it stays
 * bounded without a delete on every request.
 */
export class JournalRecorder {
  private sincePrune = 0;
  private readonly listeners = new Set<(e: JournalEntry) => void>();

  constructor(
    private readonly store: JournalStore,
    private readonly maxEntries: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  onEntry(fn: (e: JournalEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  record(req: MockRequest, routeId: string | null, params: Record<string, string>, status: number, durationMs: number, notes: string[]): JournalEntry {
    const raw = encodeRawBody(req.rawBody, req.rawText);
    const entry: JournalEntry = {
      id: req.id,
      time: req.receivedAt,
      method: req.method,
      path: req.path,
      url: req.url,
      query: req.query,
      params,
      headers: req.headers as JournalEntry["headers"],
      rawBody: raw.text,
      rawBodyEncoding: raw.encoding,
      body: req.body,
      routeId,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      notes,
      traceId: req.trace?.traceId ?? null,
      [BODY_IS_PARSED_RAW]: req.bodyFromJsonText,
    };
    if (req.signature) entry.signature = req.signature;
    try {
      this.store.append(entry);
    } catch (e) {
      this.onError(e);
    }
    if (this.listeners.size > 0) for (const fn of this.listeners) fn(entry);
    if (++this.sincePrune >= 1000 && this.maxEntries > 0) {
      this.sincePrune = 0;
      this.store.prune(this.maxEntries).catch(this.onError);
    }
    return entry;
  }
}

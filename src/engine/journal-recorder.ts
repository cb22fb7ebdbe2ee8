import { BODY_IS_PARSED_RAW, type JournalEntry, type JournalStore } from "../storage/index.js";
import { encodeRawBody } from "./body-parser.js";
import type { MockRequest } from "./mock-request.js";

/**
 * Turns finished exchanges into journal entries, hands them to the store (which batches and
 * keeps `journal.max_entries`, see storage/retention.ts) and tells listeners (the long-poll waiter).
 */
export class JournalRecorder {
  private readonly listeners = new Set<(e: JournalEntry) => void>();

  constructor(
    private readonly store: JournalStore,
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
    return entry;
  }
}

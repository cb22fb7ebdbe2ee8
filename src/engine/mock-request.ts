import type { TraceContext } from "../delivery/trace-header.js";
import type { JournalSignature } from "../storage/ports.js";

/**
 * The engine's view of one HTTP exchange, independent of node:http. The server adapts
 * node requests to `MockRequest`; the engine answers with a `MockResponse`.
 */
export type HeaderMap = Record<string, string | string[] | undefined>;


export interface MockRequest {
  id: string;
  /** Epoch ms on arrival. */
  receivedAt: number;
  /** Monotonic ms on arrival, for durations. */
  startedMono: number;
  method: string;
  /** Path and query as received. */
  url: string;
  /** Decoded path without the query. */
  path: string;
  /** The path as received (still percent-encoded): what routers match on, so `%2F` inside a parameter stays inside it. */
  rawPath: string;
  query: Record<string, string | string[]>;
  /** Lower-cased header names, as node gives them. */
  headers: HeaderMap;
  rawBody: Buffer;
  /** `rawBody` as UTF-8 text ("" when empty), null when it is not valid UTF-8: decoded once, for parsing and the journal. */
  rawText: string | null;
  /** Parsed body (see body-parser.ts); null when absent or unparsable. */
  body: unknown;
  /** Why the body could not be parsed, if it could not. */
  bodyError: string | null;
  /** True when `body` is `JSON.parse(rawText)`. */
  bodyFromJsonText: boolean;
  /** Set when the body was over the limit and was not read. */
  bodyTooLarge: boolean;
  /** From `x-mockforge-trace` when a MockForge call caused this request (loop guard). */
  trace: TraceContext | null;
  /**
   * The answer's connection (the server's response object), to tell when the client has gone
   * before the answer was written: a route script still waiting for a worker is then dropped
   * (`goneSignal`). Absent outside the HTTP server.
   */
  connection?: ClientConnection | null;
  /** Set by the engine when the matched route has `verify`: how the signature fared. */
  signature?: JournalSignature;
}

export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Chaos: destroy the connection instead of answering. */
  drop?: boolean;
  /** `headers` plus `content-length`, when made once at load (static routes): the server sends them as they are. */
  wireHeaders?: Record<string, string | number>;
}

/** What a request needs of its answer's connection (node's ServerResponse has it). */
export interface ClientConnection {
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  once(event: "close", listener: () => void): unknown;
}

/** Aborts when the connection closes before the answer was written (the client gave up). */
export function goneSignal(c: ClientConnection): AbortSignal {
  const ac = new AbortController();
  if (c.writableFinished) return ac.signal;
  if (c.destroyed) ac.abort();
  else c.once("close", () => !c.writableFinished && ac.abort());
  return ac.signal;
}

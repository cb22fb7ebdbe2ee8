import type { IncomingMessage } from "node:http";

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops buffering (but keeps
 * draining, so the socket can answer 413 cleanly) and reports `tooLarge`.
 */
export type BodyResult = { body: Buffer; tooLarge: boolean; error: Error | null };

/** The body of a request that has none (shared: nobody writes into a request body). */
export const EMPTY_BODY = Buffer.alloc(0);
const EMPTY: BodyResult = Object.freeze({ body: EMPTY_BODY, tooLarge: false, error: null }) as BodyResult;

/**
 * True when the request announces no body (no content-length or 0, not chunked): most GETs.
 * Such a request needs no read at all; node discards the (empty) stream itself.
 */
export function hasNoBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  return (len === undefined || len === "0") && req.headers["transfer-encoding"] === undefined;
}

/**
 * Calls `done` once with the body. A callback, not a promise: this runs for every request with
 * a body, and a promise adds an allocation and a microtask hop to each.
 */
export function readBody(req: IncomingMessage, limit: number, done: (r: BodyResult) => void): void {
  if (hasNoBody(req)) return done(EMPTY);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return done({ body: EMPTY_BODY, tooLarge: true, error: null });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let settled = false;
  const settle = (r: BodyResult) => {
    // A stream can report an error after its end (a reset socket): answer once.
    if (settled) return;
    settled = true;
    done(r);
  };
  req.on("data", (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => settle({ body: tooLarge ? EMPTY_BODY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), tooLarge, error: null }));
  req.on("error", (error) => settle({ body: EMPTY_BODY, tooLarge, error }));
}

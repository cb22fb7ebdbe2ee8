/**
 * `extract` paths (SPEC §4): `body`, `body.a.b`, `body.items[0].id`, `body["odd key"]`,
 * `status`, `headers.<name>`. Parsed once when a chain is validated so a typo is reported
 * before any request is sent, then applied to each response.
 */
import { headerValue, valueAt } from "../core/value-at.js";
import type { Headers } from "../storage/ports.js";

/** A parsed extract path. `segments` index into the body (strings are keys, numbers are array indexes). */
export type ExtractPath =
  | { kind: "status" }
  | { kind: "header"; name: string }
  | { kind: "body"; segments: (string | number)[] };

/** What a path is applied to: the link's final response. */
export interface ExtractSource {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Parses an extract path. Returns a message (not an exception) for a bad path so validation
 * can collect every problem of a chain at once.
 *
 * @example
 * parseExtractPath("body.items[0].id") // { kind: "body", segments: ["items", 0, "id"] }
 * parseExtractPath("headers.X-Request-Id") // { kind: "header", name: "x-request-id" }
 */
export function parseExtractPath(path: string): ExtractPath | { error: string } {
  const p = path.trim();
  if (p === "status") return { kind: "status" };
  if (p.startsWith("headers.")) {
    const name = p.slice("headers.".length).trim();
    if (!name) return { error: `'${path}' names no header: write headers.<name>` };
    return { kind: "header", name: name.toLowerCase() };
  }
  if (p === "body") return { kind: "body", segments: [] };
  if (!p.startsWith("body.") && !p.startsWith("body[")) {
    return { error: `'${path}' must start with body, status or headers. (e.g. body.id, body.items[0].id, headers.location)` };
  }
  const segments = parseSegments(p.slice(4));
  if (typeof segments === "string") return { error: `'${path}': ${segments}` };
  return { kind: "body", segments };
}

/** Parses `.a.b[0]["c d"]` into ["a", "b", 0, "c d"], or returns a message. */
function parseSegments(rest: string): (string | number)[] | string {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < rest.length) {
    const c = rest[i];
    if (c === ".") {
      const m = /^[^.[\]]+/.exec(rest.slice(i + 1));
      if (!m) return `expected a name after '.' at character ${i + 5}`;
      out.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const m = /^\[\s*(?:(\d+)|"([^"]*)"|'([^']*)')\s*\]/.exec(rest.slice(i));
      if (!m) return `expected [<index>] or ["key"] at character ${i + 5}`;
      out.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3] ?? ""));
      i += m[0].length;
    } else {
      return `unexpected '${c}' at character ${i + 5}`;
    }
  }
  return out;
}

/**
 * Applies a parsed path to a response. A missing value is `undefined` (the caller warns);
 * reads own properties only (`valueAt`), so `body.__proto__` finds nothing.
 *
 * @example
 * applyExtractPath({ kind: "body", segments: ["id"] }, { status: 201, headers: {}, body: { id: "ord_1" } }) // "ord_1"
 */
export function applyExtractPath(path: ExtractPath, source: ExtractSource): unknown {
  switch (path.kind) {
    case "status":
      return source.status;
    case "header":
      return headerValue(source.headers, path.name);
    case "body":
      return valueAt(source.body, path.segments);
    default: {
      const never: never = path;
      return never;
    }
  }
}

/**
 * Paths into a config document, as users read them: `links[2].request.url`,
 * `routes[0].response.headers["X-Id.v2"]`.
 */

/** One step: an object key or an array index. */
export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a path for messages. Keys that are not plain words are quoted.
 *
 * @example
 * formatPath(["links", 2, "request", "urll"]) // "links[2].request.urll"
 */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** A collision-free map key for a path (for lookups, never shown). */
export function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map((s) => (typeof s === "number" ? s : String(s))));
}

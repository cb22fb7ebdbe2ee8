/**
 * The form in which the router compares a request path with a literal route path, for the
 * literal routes the route table keeps out of the router (see route-table.ts). It follows
 * find-my-way 9 with the options the table uses: cut at `?` or `#`, percent-decode, collapse
 * doubled slashes, drop one trailing slash. `null` when no literal route can match: an
 * undecodable path, or one whose decoding makes a `/`, which the router keeps encoded.
 */
export function literalForm(rawPath: string): string | null {
  let p = rawPath;
  const cut = firstOf(p, "?", "#");
  if (cut > 0) p = p.slice(0, cut);
  if (p.includes("%")) {
    if (/%2f/i.test(p)) return null;
    try {
      p = decodeURIComponent(p);
    } catch {
      return null;
    }
  }
  if (p.includes("//")) p = p.replace(/\/+/g, "/");
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/**
 * A route path the router matches only by being equal to it: no parameter or wildcard, nothing
 * it decodes (`%`) or cuts at (`?`, `#`, `;`), and no doubled slash it would collapse.
 */
export function isLiteralPath(path: string): boolean {
  return !/[:*%?#;]/.test(path) && !path.includes("//");
}

/** Index of the first of `a` or `b` in `s` after position 0, or -1. */
function firstOf(s: string, a: string, b: string): number {
  const i = s.indexOf(a, 1);
  const j = s.indexOf(b, 1);
  return i < 0 ? j : j < 0 ? i : Math.min(i, j);
}

/**
 * How a request path is read before it is matched against parameter routes: the rules of
 * find-my-way 9 (lib/url-sanitizer.js and `Router#find`, MIT), which served these routes until
 * segment-router.ts replaced it, kept exactly so no request matches differently. Tested against
 * find-my-way itself in segment-router.test.ts.
 *
 * - An absolute-form target (`http://host/a`) is read as its path; any other one that does not
 *   start with `/` matches nothing.
 * - The path ends at the first `?` or `#` after its first character.
 * - Percent-escapes are decoded (`decodeURI`), except those of `# $ & + , / : ; = ? @` and `%`,
 *   which stay encoded in the path (a literal segment never equals `a%2Fb` as `a/b`) and are
 *   decoded in parameter values only. A malformed escape matches nothing.
 * - With `collapseSlashes`, `//` is `/`; a trailing `/` is dropped (`/a/` is `/a`).
 */

/** A request path ready to match: segments compared as they are, parameters decoded on capture. */
export interface ReadPath {
  /** The path as matched, without `?…`, decoded but for the reserved escapes. */
  path: string;
  /** True when the path holds reserved escapes, so a captured value must be decoded. */
  decodeParams: boolean;
}

/** Characters a reserved escape stands for, by the escape's two hex digits (upper or lower case). */
const RESERVED = new Map<string, string>([
  ["23", "#"], ["24", "$"], ["25", "%"], ["26", "&"], ["2B", "+"], ["2C", ","], ["2F", "/"],
  ["3A", ":"], ["3B", ";"], ["3D", "="], ["3F", "?"], ["40", "@"],
]);

/** The character a reserved escape `%hl` stands for, or null (decodeURI's business, or not an escape). */
function reservedChar(h: string | undefined, l: string | undefined): string | null {
  if (h === undefined || l === undefined) return null;
  // The first digit is a digit; the second may be a letter of either case (`%2f` is `/`).
  return RESERVED.get(`${h}${l.toUpperCase()}`) ?? null;
}

/** `raw` read as a path to match, or null when it can match no route. */
export function readRequestPath(raw: string, collapseSlashes: boolean): ReadPath | null {
  let path = raw;
  if (path.charCodeAt(0) !== 47) {
    const absolute = pathOfAbsoluteUrl(path);
    if (absolute === null) return null;
    path = absolute;
  }
  const end = firstDelimiter(path);
  const percent = path.indexOf("%", 1);
  let decodeParams = false;
  if (percent === -1 || (end !== -1 && percent > end)) {
    if (end !== -1) path = path.slice(0, end);
  } else {
    const read = decodePercents(path, percent);
    if (read === null) return null;
    ({ path, decodeParams } = read);
  }
  if (collapseSlashes && path.includes("//")) path = path.replace(/\/\/+/g, "/");
  if (path.length > 1 && path.charCodeAt(path.length - 1) === 47) path = path.slice(0, -1);
  return { path, decodeParams };
}

function firstDelimiter(path: string): number {
  const q = path.indexOf("?", 1);
  const h = path.indexOf("#", 1);
  return q === -1 ? h : h === -1 ? q : Math.min(q, h);
}

/** The path from the first `%` at `from` on: decoded but for the reserved escapes, cut at `?`/`#`. */
function decodePercents(path: string, from: number): ReadPath | null {
  let decode = false;
  let decodeParams = false;
  let end = path.length;
  let out = path.slice(0, from);
  let last = from;
  for (let i = from; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 37) {
      const reserved = reservedChar(path[i + 1], path[i + 2]);
      if (reserved === null) decode = true;
      else {
        decodeParams = true;
        if (reserved === "%") {
          // Kept as `%25` through decodeURI, which would otherwise make it a bare `%`.
          decode = true;
          out += `${path.slice(last, i)}%2525`;
          last = i + 3;
        }
        i += 2;
      }
    } else if (c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  out += path.slice(last, end);
  if (!decode) return { path: out, decodeParams };
  try {
    return { path: decodeURI(out), decodeParams };
  } catch {
    return null;
  }
}

/** A captured parameter with its reserved escapes decoded (the others are decoded already). */
export function decodeParam(value: string): string {
  const first = value.indexOf("%");
  if (first === -1) return value;
  let out = value.slice(0, first);
  let last = first;
  for (let i = first; i < value.length; i++) {
    if (value.charCodeAt(i) !== 37) continue;
    // As find-my-way does: an escape it does not know becomes the text "null" (none can remain here).
    out += `${value.slice(last, i)}${reservedChar(value[i + 1], value[i + 2])}`;
    last = i + 3;
  }
  return out + value.slice(last);
}

/** The path of `http(s)://host/path` (`/` when it has none), `*` as itself, else null. */
function pathOfAbsoluteUrl(url: string): string | null {
  if (url === "*") return url;
  const schemeEnd = url.indexOf("://");
  if (schemeEnd === -1) return null;
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (scheme !== "http" && scheme !== "https") return null;
  const authorityStart = schemeEnd + 3;
  const pathStart = url.indexOf("/", authorityStart);
  let authorityEnd = pathStart === -1 ? url.length : pathStart;
  const queryStart = url.indexOf("?", authorityStart);
  if (queryStart !== -1 && queryStart < authorityEnd) authorityEnd = queryStart;
  // A fragment is not valid in a request target: never read a slash after one as the path.
  if (url.includes("#", authorityStart) || authorityEnd === authorityStart) return null;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed === null || parsed.protocol !== `${scheme}:` || parsed.host.length === 0) return null;
  if (authorityEnd === url.length) return "/";
  if (authorityEnd === queryStart) return `/${url.slice(queryStart)}`;
  return url.slice(pathStart);
}

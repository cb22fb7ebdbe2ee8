/**
 * A router over path segments for routes whose parameters are whole segments (`/users/:id`)
 * and whose wildcard is the last segment (`/files/*`): what configs and the admin API hold.
 * It replaced find-my-way for them because find-my-way compiles functions for each route it
 * holds (about 40 µs a route: most of the start of a config of 20k routes); adding a route
 * here is a few map writes.
 *
 * It matches as find-my-way 9 did, which segment-router.test.ts checks against find-my-way
 * itself: the request path read by request-path.ts; at each segment a literal child first,
 * then the parameter, then the wildcard, backtracking when a branch leads nowhere; a parameter
 * takes one segment (empty only at `/`) of at most `maxParamLength` characters once decoded,
 * the wildcard the rest of the path; the params object has no prototype chain to
 * `Object.prototype`, as find-my-way's has not. A path of any other shape (a parameter inside
 * a segment, a regex, `*` inside a segment) is not `accepts`ed: route-table.ts then serves
 * its routes with find-my-way.
 */
import { decodeParam, readRequestPath } from "./request-path.js";

export interface SegmentRouterOptions {
  /** Read `//` in request paths as `/` (and in route paths). */
  collapseSlashes: boolean;
  /** A longer (decoded) parameter value does not match. */
  maxParamLength: number;
}

export interface Found<T> {
  store: T;
  params: Record<string, string>;
}

interface Leaf<T> {
  store: T;
  /** Parameter names in path order; `*` for the wildcard. */
  names: string[];
}

interface Node<T> {
  literal: Map<string, Node<T>> | null;
  param: Node<T> | null;
  wildcard: Leaf<T> | null;
  leaf: Leaf<T> | null;
}

/** Params objects as find-my-way made them: assignable keys, nothing inherited from Object.prototype. */
const ParamsObject = function (this: object) {} as unknown as new () => Record<string, string>;
ParamsObject.prototype = Object.create(null) as object;

/**
 * Segments that are literal (find-my-way reads `:` and `*` anywhere, and stores `%` re-encoded)
 * or whole-segment parameters with a name it reads the same way (it ends a name at `-`, `.` or
 * `(`), then at most a wildcard segment, and one trailing `/` (dropped). One test per path: a
 * split and a test per segment was a tenth of the route table's time for 20k routes.
 */
const ACCEPTED = /^(?:\/(?:[^/:*%]*|:[^/:*%.\-(]+))*(?:\/\*)?\/?$/;

export class SegmentRouter<T> {
  private readonly roots = new Map<string, Node<T>>();

  constructor(private readonly options: SegmentRouterOptions) {}

  /** Whether `path` (in `:name` form) has a shape this router serves exactly as find-my-way. */
  static accepts(path: string): boolean {
    return path.charCodeAt(0) === 47 && ACCEPTED.test(path);
  }

  /**
   * Adds a route (an `accepts`ed path) for each method. A second route of the same shape and
   * method is refused with find-my-way's words, since route-table.ts shows them.
   */
  on(methods: readonly string[], path: string, store: T): void {
    if (!SegmentRouter.accepts(path)) throw new Error(`path '${path}' has a shape the segment router does not serve`);
    const segments = this.normalize(path).slice(1).split("/");
    for (const method of methods) {
      let node = this.roots.get(method);
      if (!node) this.roots.set(method, (node = newNode()));
      const names: string[] = [];
      let wildcard = false;
      for (const s of segments) {
        if (s === "*") {
          names.push("*");
          wildcard = true;
        } else if (s.charCodeAt(0) === 58) {
          names.push(s.slice(1));
          node = node.param ??= newNode();
        } else {
          node.literal ??= new Map();
          let next = node.literal.get(s);
          if (!next) node.literal.set(s, (next = newNode()));
          node = next;
        }
      }
      if (wildcard ? node.wildcard : node.leaf) {
        const pattern = segments.map((s) => (s.charCodeAt(0) === 58 ? ":" : s)).join("/");
        throw new Error(`Method '${method}' already declared for route '/${pattern}' with constraints '{}'`);
      }
      if (wildcard) node.wildcard = { store, names };
      else node.leaf = { store, names };
    }
  }

  find(method: string, rawPath: string): Found<T> | null {
    const root = this.roots.get(method);
    if (!root) return null;
    const read = readRequestPath(rawPath, this.options.collapseSlashes);
    if (!read) return null;
    // `/` is one empty segment, as is `*` (find-my-way reads both from the second character).
    const segments = read.path.slice(1).split("/");
    const values: string[] = [];
    const leaf = this.walk(root, segments, 0, values, read.decodeParams);
    if (!leaf) return null;
    const params = new ParamsObject();
    for (let i = 0; i < leaf.names.length; i++) params[leaf.names[i]!] = values[i]!;
    return { store: leaf.store, params };
  }

  /** Depth first: literal, then parameter, then wildcard; `values` holds the captures on the way. */
  private walk(node: Node<T>, segments: string[], i: number, values: string[], decode: boolean): Leaf<T> | null {
    if (i === segments.length) return node.leaf;
    const segment = segments[i]!;
    const literal = node.literal?.get(segment);
    if (literal) {
      const hit = this.walk(literal, segments, i + 1, values, decode);
      if (hit) return hit;
    }
    if (node.param) {
      const value = decode ? decodeParam(segment) : segment;
      if (value.length <= this.options.maxParamLength) {
        values.push(value);
        const hit = this.walk(node.param, segments, i + 1, values, decode);
        if (hit) return hit;
        values.pop();
      }
    }
    if (node.wildcard) {
      const rest = i === segments.length - 1 ? segment : segments.slice(i).join("/");
      values.push(decode ? decodeParam(rest) : rest);
      return node.wildcard;
    }
    return null;
  }

  /** A route path as find-my-way stored it: `//` collapsed (with the option), no trailing `/`. */
  private normalize(path: string): string {
    let p = this.options.collapseSlashes && path.includes("//") ? path.replace(/\/\/+/g, "/") : path;
    if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
    return p;
  }
}

function newNode<T>(): Node<T> {
  return { literal: null, param: null, wildcard: null, leaf: null };
}

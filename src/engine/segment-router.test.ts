import FindMyWay from "find-my-way";
import { describe, expect, it } from "vitest";
import { SegmentRouter } from "./segment-router.js";

/** A small deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTE_SEGMENTS = ["a", "b", "ab", "users", "me", "x.y", "a-b", "+", "", ":id", ":p", ":q", ":name"];
const REQUEST_SEGMENTS = ["a", "b", "ab", "abc", "users", "me", "x.y", "a-b", "+", "%2B", "", "42", "me%2Fyou", "%61", "%2525", "%25", "%zz", "a%3Fb", "%E2%82%AC", "%40x", "x".repeat(501), "x".repeat(500), "y".repeat(101), "y".repeat(100)];
const METHODS = ["GET", "POST", "DELETE"] as const;

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;

function routePath(next: () => number): string {
  const n = 1 + Math.floor(next() * 4);
  const segments = Array.from({ length: n }, () => pick(next, ROUTE_SEGMENTS));
  if (next() < 0.2) segments[n - 1] = "*";
  let path = `/${segments.join("/")}`;
  if (next() < 0.1) path += "/";
  if (next() < 0.1) path = path.replace("/", "//");
  return path;
}

function requestPath(next: () => number): string {
  const n = Math.floor(next() * 5);
  let path = `/${Array.from({ length: n }, () => pick(next, REQUEST_SEGMENTS)).join("/")}`;
  const r = next();
  if (r < 0.1) path += "/";
  else if (r < 0.2) path += "?q=1/2";
  else if (r < 0.25) path += "#frag";
  else if (r < 0.3) path = `http://host${path}`;
  else if (r < 0.33) path = path.replace("/", "//");
  else if (r < 0.35) path = pick(next, ["*", "", "http://host", "http://host?x", "ftp://h/a", "a/b"]);
  return path;
}

/** What a lookup gave, comparable across the two routers (find-my-way's params have no Object prototype). */
function outcome(found: { store: unknown; params: Record<string, string> } | null): unknown {
  if (!found) return null;
  const proto = Object.getPrototypeOf(found.params) as object | null;
  return { store: found.store, keys: Object.keys(found.params), params: { ...found.params }, plain: proto === null || Object.getPrototypeOf(proto) === null };
}

/** The route table's options, and the admin API's (find-my-way's defaults but for the trailing slash). */
const SETUPS = [
  { name: "route table", theirs: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 }, ours: { collapseSlashes: true, maxParamLength: 500 } },
  { name: "admin API", theirs: { ignoreTrailingSlash: true }, ours: { collapseSlashes: false, maxParamLength: 100 } },
];

describe("segment router against find-my-way", () => {
  it.each(SETUPS)("matches, captures and refuses exactly as find-my-way 9 does on random route sets ($name options)", (setup) => {
    let compared = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed);
      const theirs = FindMyWay(setup.theirs);
      const ours = new SegmentRouter<string>(setup.ours);
      for (let i = 0; i < 12; i++) {
        const path = routePath(next);
        if (!SegmentRouter.accepts(path)) continue;
        const method = pick(next, METHODS);
        const id = `${method} ${path} #${i}`;
        let theirError = "";
        let ourError = "";
        try {
          theirs.on(method, path, () => {}, id);
        } catch (e) {
          theirError = (e as Error).message;
        }
        try {
          ours.on([method], path, id);
        } catch (e) {
          ourError = (e as Error).message;
        }
        expect(ourError, `adding ${method} ${path}`).toBe(theirError);
      }
      for (let i = 0; i < 80; i++) {
        const method = pick(next, METHODS);
        const path = requestPath(next);
        expect(outcome(ours.find(method, path)), `${method} ${path} (seed ${seed})`).toEqual(outcome(theirs.find(method, path) as never));
        compared++;
      }
    }
    expect(compared).toBe(150 * 80);
  });

  it("prefers a literal segment, then a parameter, then the wildcard, backtracking out of dead ends", () => {
    const r = new SegmentRouter<string>({ collapseSlashes: true, maxParamLength: 500 });
    r.on(["GET"], "/a/me/x", "literal");
    r.on(["GET"], "/a/:id/y", "param");
    r.on(["GET"], "/a/*", "wildcard");
    expect(outcome(r.find("GET", "/a/me/x"))).toMatchObject({ store: "literal" });
    // `me` leads to no `/y` among the literals: the parameter branch takes it.
    expect(outcome(r.find("GET", "/a/me/y"))).toMatchObject({ store: "param", params: { id: "me" } });
    expect(outcome(r.find("GET", "/a/me/z"))).toMatchObject({ store: "wildcard", params: { "*": "me/z" } });
    expect(outcome(r.find("GET", "/a"))).toBeNull();
  });

  it("says which paths it serves as find-my-way would, leaving the others to find-my-way", () => {
    for (const p of ["/", "/a/:id", "/a/{id}".replace("{id}", ":id"), "/a/*", "/a/:id/", "/x.y/a-b"]) expect(SegmentRouter.accepts(p), p).toBe(true);
    for (const p of ["/a/:x.:y", "/a/:id(\\d+)", "/files/*.png", "/a/*/b", "/a%20b/:id", "/a/::b", "a/:id", "/:"]) expect(SegmentRouter.accepts(p), p).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { routeSchema } from "../config/schema/routes.js";
import { RouteTable, type RouteMatch } from "./route-table.js";

const route = (r: object) => routeSchema.parse(r);

/** What a match names: the route's id and params, or the miss with its Allow list. */
function named(m: RouteMatch): unknown {
  if (m.kind === "route") return { id: m.route.id, params: m.params };
  return m.kind === "method_not_allowed" ? { allow: m.allow } : "not found";
}

describe("route table", () => {
  const table = () =>
    new RouteTable([
      route({ id: "static", path: "/static", method: "GET" }),
      route({ id: "me", path: "/users/me", method: "GET" }),
      route({ id: "user", path: "/users/{id}", method: "GET" }),
      route({ id: "any-x", path: "/x", method: "ANY" }),
      route({ id: "get-x", path: "/x", method: "GET" }),
      route({ id: "slash", path: "/dir/", method: "POST" }),
    ]);

  it("matches a literal path by method, and answers 405 with Allow for another method", () => {
    const t = table();
    expect(named(t.match("GET", "/static"))).toEqual({ id: "static", params: {} });
    expect(named(t.match("POST", "/static"))).toEqual({ allow: ["GET"] });
    expect(named(t.match("GET", "/nothing"))).toBe("not found");
  });

  it("still matches the variants of a literal path the router normalizes", () => {
    const t = table();
    for (const p of ["/static/", "/st%61tic", "//static"]) {
      expect(named(t.match("GET", p)), p).toEqual({ id: "static", params: {} });
    }
    expect(named(t.match("POST", "/dir"))).toEqual({ id: "slash", params: {} });
    expect(named(t.match("POST", "/dir/"))).toEqual({ id: "slash", params: {} });
  });

  it("prefers a literal route over a parameter, and a method over ANY", () => {
    const t = table();
    expect(named(t.match("GET", "/users/me"))).toEqual({ id: "me", params: {} });
    expect(named(t.match("GET", "/users/42"))).toEqual({ id: "user", params: { id: "42" } });
    expect(named(t.match("GET", "/x"))).toEqual({ id: "get-x", params: {} });
    expect(named(t.match("DELETE", "/x"))).toEqual({ id: "any-x", params: {} });
  });

  it("follows routes added, replaced and removed at run time", () => {
    const t = table();
    t.add(route({ id: "new", path: "/new", method: "PUT" }));
    expect(named(t.match("PUT", "/new"))).toEqual({ id: "new", params: {} });

    const replaced = t.put(route({ id: "static", path: "/static", method: "GET", response: { status: 201 } }));
    const m = t.match("GET", "/static");
    expect(m.kind === "route" && m.route).toBe(replaced);

    expect(t.remove("static")).toBe(true);
    expect(named(t.match("GET", "/static"))).toBe("not found");
    expect(t.remove("me")).toBe(true);
    expect(named(t.match("GET", "/users/me"))).toEqual({ id: "user", params: { id: "me" } });
  });

  it("refuses a second route with the same method and path, leaving the table as it was", () => {
    const t = table();
    expect(() => t.add(route({ id: "again", path: "/static", method: "GET" }))).toThrow(/duplicates route 'static'/);
    expect(named(t.match("GET", "/static"))).toEqual({ id: "static", params: {} });
  });

  it("keeps a literal path ahead of a parameter in every form the router accepts", () => {
    const t = table();
    for (const p of ["/users/me/", "//users//me", "/users/m%65", "/users/me?x=1"]) {
      expect(named(t.match("GET", p)), p).toEqual({ id: "me", params: {} });
    }
    expect(named(t.match("PUT", "/static/"))).toEqual({ allow: ["GET"] });
    expect(named(t.match("GET", "/users%2Fme"))).toBe("not found");
    expect(t.routesAtPath("/users/me").map((r) => r.id)).toEqual(["me"]);
    expect(t.routesAtPath("/x").map((r) => r.id).sort()).toEqual(["any-x", "get-x"]);
  });
});

describe("route table paths our segment router does not serve", () => {
  it("serves them with find-my-way, as before, beside the other parameter routes", () => {
    const t = new RouteTable([route({ id: "prefix", path: "/files/a*", method: "GET" }), route({ id: "user", path: "/u/{id}", method: "GET" }), route({ id: "any", path: "/any/:x", method: "ANY" })]);
    expect(named(t.match("GET", "/files/abc/d"))).toEqual({ id: "prefix", params: { "*": "bc/d" } });
    expect(named(t.match("GET", "/u/7"))).toEqual({ id: "user", params: { id: "7" } });
    expect(named(t.match("PATCH", "/any/1"))).toEqual({ id: "any", params: { x: "1" } });
    expect(named(t.match("POST", "/u/7"))).toEqual({ allow: ["GET"] });
  });

  it("refuses a path neither can serve with the router's reason", () => {
    expect(() => new RouteTable([route({ path: "/files/*.png", method: "GET" })])).toThrow(/cannot be served: Wildcard must be the last character/);
    expect(() => new RouteTable([route({ path: "/a/:id", method: "GET" }), route({ id: "b", path: "/a/:id/", method: "GET" })])).toThrow(
      "Route GET /a/:id/ cannot be served: Method 'GET' already declared for route '/a/:' with constraints '{}'",
    );
  });
});

describe("route table at scale", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => route({ id: `r${i}`, method: "GET", path: i % 2 ? `/api/res${i}/items` : `/api/res${i}/{id}` }));

  // Each route used to be compared with every earlier one: 20k routes took a minute, far past
  // this test's timeout; one pass takes a second or two, several under a loaded machine.
  it("loads 20k routes in one pass and still finds the duplicate shape at the end", () => {
    const routes = [...many(20_000), route({ id: "dup", method: "GET", path: "/api/res0/{other}" })];
    expect(() => new RouteTable(routes)).toThrow(/duplicates route 'r0'/);
    const t = new RouteTable(routes.slice(0, -1));
    expect(named(t.match("GET", "/api/res7/items"))).toEqual({ id: "r7", params: {} });
    expect(named(t.match("GET", "/api/res8/42"))).toEqual({ id: "r8", params: { id: "42" } });
    expect(t.get("r19999")?.path).toBe("/api/res19999/items");
  }, 30_000);

  it("suggests the route a typo meant among 20k, without comparing the path with each", () => {
    const t = new RouteTable(many(20_000));
    expect(t.closestTo("GET", "/api/res12345/itemz")[0]).toEqual({ method: "GET", path: "/api/res12345/items" });
    expect(t.closestTo("GET", "/api/res4321/itmes")[0]).toEqual({ method: "GET", path: "/api/res4321/items" });
    // As near as `/api/res321/items` (two edits each): both are offered.
    expect(t.closestTo("GET", "/api/rse4321/items")).toContainEqual({ method: "GET", path: "/api/res4321/items" });
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) t.closestTo("GET", `/api/res${i * 997}/itemz`);
    // Comparing with each of 20k routes took ~190 ms a 404; the index ~1 ms. The bound leaves
    // room for a machine loaded many times over.
    expect((performance.now() - t0) / 20).toBeLessThan(60);
  }, 30_000);
});

import { describe, expect, it } from "vitest";
import { logsShadows } from "./logs-shadow.js";
import { routeSchema } from "./schema/routes.js";

const routes = (list: { method: string; path: string }[]) => list.map((r) => routeSchema.parse(r));
const shadows = (list: { method: string; path: string }[]) => logsShadows(routes(list)).map((s) => `${s.index} ${s.route.path} -> ${s.logsPath} of ${s.owner.method} ${s.owner.path}`);

describe("routes that would answer a route's log", () => {
  it("names a GET or ANY parameter route under another route, its first route of that shape, in order", () => {
    expect(
      shadows([
        { method: "POST", path: "/orders" },
        { method: "GET", path: "/orders" },
        { method: "GET", path: "/orders/{id}" },
        { method: "POST", path: "/orders/:id" },
        { method: "ANY", path: "/users/:id" },
        { method: "GET", path: "/users" },
        { method: "GET", path: "/lonely/:id" },
      ]),
    ).toEqual(["2 /orders/{id} -> /orders/logs of POST /orders", "4 /users/:id -> /users/logs of GET /users"]);
  });

  it("takes the first route at or under a wildcard's prefix, and none where a literal /logs route answers", () => {
    expect(shadows([{ method: "GET", path: "/api/*" }, { method: "PUT", path: "/api/a/:x" }, { method: "GET", path: "/api/b" }])).toEqual(["0 /api/* -> /api/a/:x/logs of PUT /api/a/:x"]);
    expect(shadows([{ method: "GET", path: "/orders" }, { method: "GET", path: "/orders/:id" }, { method: "GET", path: "/orders/logs" }])).toEqual([]);
    expect(shadows([{ method: "GET", path: "/" }, { method: "GET", path: "/:id" }])).toEqual(["1 /:id -> /logs of GET /"]);
  });

  it("finds nothing, and builds nothing, without a GET route ending in a parameter or wildcard", () => {
    expect(shadows([{ method: "POST", path: "/a/:id" }, { method: "GET", path: "/a" }])).toEqual([]);
  });
});

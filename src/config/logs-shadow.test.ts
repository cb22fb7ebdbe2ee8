import { describe, expect, it } from "vitest";
import { logsShadows } from "./logs-shadow.js";
import { routeSchema } from "./schema/routes.js";

/** Routes written as the messages name them: "GET /orders/:id". */
const routes = (list: string[]) =>
  list.map((r) => {
    const [method, path] = r.split(" ");
    return routeSchema.parse({ method, path });
  });
const shadows = (list: string[]) => logsShadows(routes(list)).map((s) => `${s.index} ${s.route.path} -> ${s.logsPath} of ${s.owner.method} ${s.owner.path}`);

describe("routes that would answer a route's log", () => {
  it("names a GET or ANY parameter route under another route, its first route of that shape, in order", () => {
    expect(
      shadows([
        "POST /orders",
        "GET /orders",
        "GET /orders/{id}",
        "POST /orders/:id",
        "ANY /users/:id",
        "GET /users",
        "GET /lonely/:id",
      ]),
    ).toEqual(["2 /orders/{id} -> /orders/logs of POST /orders", "4 /users/:id -> /users/logs of GET /users"]);
  });

  it("takes the first route at or under a wildcard's prefix, and none where a literal /logs route answers", () => {
    expect(shadows(["GET /api/*", "PUT /api/a/:x", "GET /api/b"])).toEqual(["0 /api/* -> /api/a/:x/logs of PUT /api/a/:x"]);
    expect(shadows(["GET /orders", "GET /orders/:id", "GET /orders/logs"])).toEqual([]);
    expect(shadows(["GET /", "GET /:id"])).toEqual(["1 /:id -> /logs of GET /"]);
  });

  it("finds nothing, and builds nothing, without a GET route ending in a parameter or wildcard", () => {
    expect(shadows(["POST /a/:id", "GET /a"])).toEqual([]);
  });
});

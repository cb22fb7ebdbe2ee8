import { describe, expect, it } from "vitest";
import { detachedSource } from "./parse-with-schema.js";
import { checkRoutes, routePathProblem, routeShape } from "./route-checks.js";
import { routeSchema } from "./schema/routes.js";

const route = (r: object) => routeSchema.parse(r);

describe("route checks", () => {
  it("treats :id, {id} and another parameter name as the same segment", () => {
    expect(routeShape("get", "/users/{id}/orders")).toBe(routeShape("GET", "/users/:name/orders"));
    expect(routeShape("GET", "/users/{id}")).not.toBe(routeShape("POST", "/users/{id}"));
  });

  it("refuses malformed parameters, repeated names and query strings", () => {
    expect(routePathProblem("/users/{id}/x/:name")).toBeNull();
    expect(routePathProblem("/users/{id")?.message).toContain("is not a parameter");
    expect(routePathProblem("/users/:1x")?.message).toContain("no valid name");
    expect(routePathProblem("/a/:id/b/{id}")?.message).toContain("appears twice");
    expect(routePathProblem("/a?x=1")?.hint).toContain("request.query");
  });

  it("reports duplicates (method + path, then ids) without positions when there is no file", () => {
    const problems = checkRoutes(
      [route({ path: "/a/:id", method: "GET" }), route({ path: "/a/{x}", method: "GET" }), route({ path: "/b", id: "one" }), route({ path: "/c", id: "one" }), route({ path: "/a/:id", method: "ANY" })],
      detachedSource("api"),
    );
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ["MFG_ERR_ROUTE_DUPLICATE", "routes[1].path", undefined],
      ["MFG_ERR_ROUTE_DUPLICATE", "routes[3].id", undefined],
    ]);
    expect(problems[1].message).toBe("route id `one` is used twice: first at routes[2].id");
  });
});

import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import { createFaultController } from "./fault-controller.js";
import { compileRouteFilter } from "./route-filter.js";

const make = (seed = 42) => createFaultController({ random: seededRandom(seed), clock: new ManualClock() });

describe("createFaultController", () => {
  it("decides nothing when no faults are set", () => {
    const faults = make();
    expect(faults.active).toBe(false);
    expect(faults.decide("GET", "/a", "GET /a")).toBeNull();
  });

  it("injects errors with probability 0.3 within ±2 % over 10,000 decisions", () => {
    const faults = make(7);
    faults.set("scenario:s", { enabled: true, errors: { status_codes: [500, 503], probability: 0.3 } });
    let errors = 0;
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const d = faults.decide("GET", "/api/orders", "GET /api/orders");
      if (d?.errorStatus) {
        errors++;
        seen.add(d.errorStatus);
      }
    }
    expect(Math.abs(errors / 10_000 - 0.3)).toBeLessThanOrEqual(0.02);
    expect([...seen].sort()).toEqual([500, 503]);
  });

  it("picks latency in [min_ms, max_ms] and takes fixed_ms as is", () => {
    const faults = make();
    faults.set("a", { latency: { min_ms: 10, max_ms: 20 } });
    for (let i = 0; i < 200; i++) {
      const d = faults.decide("GET", "/x", null)!;
      expect(d.latencyMs).toBeGreaterThanOrEqual(10);
      expect(d.latencyMs).toBeLessThanOrEqual(20);
    }
    faults.set("a", { latency: { fixed_ms: 250 } });
    expect(faults.decide("GET", "/x", null)).toEqual({ latencyMs: 250, sources: ["a"] });
  });

  it("adds a step's latency on top of the route's own chaos latency (issue 15 item 17)", () => {
    const faults = make();
    faults.setForRoute("GET /slow", { latency: { fixed_ms: 200 } });
    faults.set("scenario:s", { latency: { fixed_ms: 300 }, routes: ["GET /slow"] });
    expect(faults.decide("GET", "/slow", "GET /slow")).toEqual({ latencyMs: 500, sources: ["route:GET /slow", "scenario:s"] });
    expect(faults.decide("GET", "/other", "GET /other")).toBeNull();
  });

  it("drops connections and combines sources", () => {
    const faults = make();
    faults.set("config", { latency: { fixed_ms: 5 } });
    faults.set("scenario:s", { drop: { probability: 1 }, latency: { fixed_ms: 50 } });
    expect(faults.decide("POST", "/x", null)).toEqual({ latencyMs: 55, drop: true, sources: ["config", "scenario:s"] });
    faults.clear("scenario:s");
    expect(faults.decide("POST", "/x", null)).toEqual({ latencyMs: 5, sources: ["config"] });
    faults.clear();
    expect(faults.active).toBe(false);
  });

  it("ignores disabled or empty blocks (the seed's `enabled: true` alone injects nothing)", () => {
    const faults = make();
    faults.set("a", { enabled: true });
    faults.set("b", { enabled: false, errors: { status_codes: [500] } });
    expect(faults.active).toBe(false);
  });

  it("limits faults to the route filter", () => {
    const faults = make();
    faults.set("s", { errors: { status_codes: [503] }, routes: ["POST /api/orders", "/api/payments/*"] });
    expect(faults.decide("POST", "/api/orders", "POST /api/orders")?.errorStatus).toBe(503);
    expect(faults.decide("GET", "/api/orders", "GET /api/orders")).toBeNull();
    expect(faults.decide("GET", "/api/payments/p1", null)?.errorStatus).toBe(503);
    expect(faults.decide("GET", "/api/payments/p1/refunds", null)).toBeNull();
  });

  it("keeps per-route faults to their route", () => {
    const faults = make();
    faults.setForRoute("orders", { errors: { status_codes: [500] }, routes: ["/**"] });
    expect(faults.decide("GET", "/x", "orders")?.errorStatus).toBe(500);
    expect(faults.decide("GET", "/x", "other")).toBeNull();
    expect(faults.list().map((f) => f.source)).toEqual(["route:orders"]);
  });
});

describe("compileRouteFilter", () => {
  it("matches ids, methods and patterns", () => {
    const f = compileRouteFilter(["orders-create", "GET /api/*", "/v1/**", "/users/:id", "ANY /items/{id}"])!;
    expect(f("DELETE", "/nope", "orders-create")).toBe(true);
    expect(f("GET", "/api/orders", null)).toBe(true);
    expect(f("POST", "/api/orders", null)).toBe(false);
    expect(f("GET", "/v1", null)).toBe(true);
    expect(f("GET", "/v1/a/b/c", null)).toBe(true);
    expect(f("GET", "/users/7", null)).toBe(true);
    expect(f("GET", "/users/7/x", null)).toBe(false);
    expect(f("PATCH", "/items/3", null)).toBe(true);
    expect(compileRouteFilter(undefined)).toBeNull();
  });
});

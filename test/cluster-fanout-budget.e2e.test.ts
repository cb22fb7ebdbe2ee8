/**
 * Issue 19 part 5: the per-trace fan-out budget holds across the members of a cluster. Two
 * members (real servers on real sockets) share one PostgreSQL database; a webhook loop bounces
 * between them. Counted per process, each member allowed `max_trace_fanout` calls of the trace,
 * so the loop made twice the budget; counted in the database, the calls made because of a
 * request that carried the trace header are `max` in all, plus the calls of the trace's first
 * request on the member where it began (docs/cluster.md, "Limits").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, eventually, type TestDatabase } from "./support/cluster.js";
import { startFromText, type TestServer } from "./support/start-app.js";

const baseUrl = process.env.MOCKFORGE_TEST_POSTGRES_URL;
if (!baseUrl) {
  console.warn('SKIPPED cluster fan-out budget e2e: MOCKFORGE_TEST_POSTGRES_URL not set (run: eval "$(bash scripts/ci-postgres.sh)")');
}

const MAX = 10;
// Deep enough that depth never stops these loops: only the budget does.
const CONFIG = `
webhooks: { max_trace_depth: 100, max_trace_fanout: ${MAX} }
routes:
  # A ping-pong: each member's webhook calls the other one, which calls back.
  - id: bounce
    method: POST
    path: /bounce
    response: { status: 202 }
    webhooks:
      - url: "{{request.body.to}}/bounce"
        body: { to: "{{request.body.back}}", back: "{{request.body.to}}" }
  # A fan-out: each request calls the other member and itself again.
  - id: fan
    method: POST
    path: /fan
    response: { status: 202 }
    webhooks:
      - url: "{{request.body.to}}/fan"
        body: { to: "{{request.body.back}}", back: "{{request.body.to}}" }
      - url: "{{request.body.back}}/fan"
        body: { to: "{{request.body.to}}", back: "{{request.body.back}}" }
`;

describe.skipIf(!baseUrl)("fan-out budget across a cluster on PostgreSQL (2 members)", () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase(baseUrl!);
    a = await startFromText(CONFIG, { storage: db.url });
    b = await startFromText(CONFIG, { storage: db.url });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await db?.drop().catch(() => undefined);
  });

  /** The route's deliveries (both members', from the shared store) once the loop has stopped: none queued or in flight, none new for a moment. */
  async function outcome(route: string) {
    let last = -1;
    const rows = await eventually(
      `the ${route} loop to stop`,
      async () => {
        const all = await a.app.services.storage.deliveries.list({ sourceId: route, limit: 10_000 });
        const busy = all.some((d) => d.status === "pending" || d.status === "in_flight");
        const done = !busy && all.length === last ? all : undefined;
        last = all.length;
        return done;
      },
      30_000,
      300,
    );
    const suppressed = rows.filter((d) => d.lastError?.startsWith("suppressed: trace budget"));
    expect(suppressed.every((d) => d.status === "failed" && d.attemptCount === 0)).toBe(true);
    return { sent: rows.length - suppressed.length, suppressed: suppressed.length };
  }

  it("a webhook ping-pong between two members sends the budget in all, not the budget per member", async () => {
    const r = await fetch(`${a.url}/bounce`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: b.url, back: a.url }) });
    expect(r.status).toBe(202);
    const { sent, suppressed } = await outcome("bounce");
    // A's call from the client's request (depth 0, counted on A), then MAX calls across both.
    expect(sent).toBe(1 + MAX);
    expect(suppressed).toBeGreaterThan(0);
  }, 60_000);

  it("a fan-out to itself and the other member stays within the bound: its first request's calls plus the budget", async () => {
    const r = await fetch(`${a.url}/fan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: b.url, back: a.url }) });
    expect(r.status).toBe(202);
    const { sent, suppressed } = await outcome("fan");
    expect(sent).toBeLessThanOrEqual(2 + MAX);
    expect(sent).toBeGreaterThanOrEqual(MAX);
    expect(suppressed).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * Durability with the real sqlite store: a restart resumes what was pending, and a `kill -9`
 * with 1,000 deliveries pending loses none of them (at-least-once: duplicates allowed).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { createSqliteStorage } from "../storage/sqlite/sqlite-storage.js";
import { answer, startReceiver } from "./test-support/receiver.js";
import { perTest } from "./test-support/per-test.js";
import { engineFixture, within } from "./test-support/engine-fixture.js";

const kit = perTest();

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-delivery-"));
  kit.defer(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "state.db");
}

/** A port with nothing listening on it (yet). */
async function freePort(): Promise<number> {
  const r = await startReceiver();
  const port = r.port;
  await r.close();
  return port;
}

describe("durability (sqlite)", () => {
  it("resumes pending deliveries in a new engine on the same file", async () => {
    const db = tempDb();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const start = new ManualClock().now();

    const s1 = createSqliteStorage(db);
    const fx1 = await engineFixture({ storage: s1, clock: new ManualClock(start) });
    const recs = [];
    for (let i = 0; i < 3; i++) recs.push(await fx1.engine.enqueue({ method: "POST", url, body: { i } }, { source: { kind: "route" } }));
    for (const r of recs) await fx1.reach(r.id, "pending");
    await fx1.engine.stop();
    await s1.close();

    const receiver = await kit.receiver(answer(200), port);
    const s2 = createSqliteStorage(db);
    const fx2 = await engineFixture({ storage: s2, clock: new ManualClock(start) });
    // The first retry is due within 1 s (1 s backoff, jittered). Advancing further in one go would
    // also fire the 30 s attempt timeout before the real socket answers.
    await fx2.clock.advance(1000);
    const done = await within(fx2.engine.waitFor({ url }, 3, 120_000), 10_000, "resumed deliveries");
    expect(done.map((d) => [d.status, d.attemptCount])).toEqual(Array(3).fill(["succeeded", 2]));
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set(recs.map((r) => r.webhookId)));
    await fx2.engine.stop();
    await s2.close();
  });

  it("kill -9 with 1,000 deliveries pending: after restart all 1,000 webhook-ids arrive", async () => {
    const db = tempDb();
    const port = await freePort();
    const script = fileURLToPath(new URL("./test-support/outbox-process.ts", import.meta.url));
    const run = (...args: string[]) => {
      const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
      kit.defer(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
      const lines = createInterface({ input: child.stdout! });
      const line = (prefix: string) =>
        within(
          new Promise<string>((resolve) => lines.on("line", (l) => l.startsWith(prefix) && resolve(l))),
          20_000,
          `'${prefix}' from the ${args[0]} process`,
        );
      return { child, line };
    };

    const first = run("enqueue", db, `http://127.0.0.1:${port}/hooks`, "1000");
    expect(await first.line("durable")).toBe("durable 1000");
    first.child.kill("SIGKILL");
    await once(first.child, "exit");

    const inspect = createSqliteStorage(db);
    const stored = await inspect.deliveries.list({ limit: 5000 });
    await inspect.close();
    const expected = new Set(stored.map((d) => d.webhookId));
    expect(expected.size).toBe(1000);
    expect(stored.filter((d) => d.status === "succeeded")).toHaveLength(0);

    const seen = new Set<string>();
    let done: () => void = () => {};
    const all = new Promise<void>((r) => (done = r));
    const receiver = await kit.receiver((req, res) => {
      seen.add(String(req.headers["webhook-id"]));
      res.writeHead(204).end();
      if ([...expected].every((id) => seen.has(id))) done();
    }, port);
    const second = run("deliver", db);
    await second.line("started");
    await within(all, 25_000, "all 1,000 webhook-ids");
    expect(await second.line("drained")).toBe("drained 0");
    expect([...expected].filter((id) => !seen.has(id))).toEqual([]);
    expect(receiver.received.length).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});

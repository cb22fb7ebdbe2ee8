/**
 * Attempt numbers are unique per delivery (issue 15 item 4). A `kill -9` after an attempt was
 * recorded but before its delivery counted it left the row one behind: the resumed delivery
 * numbered its next attempt after the row, and showed the same number twice. The next number
 * now comes from the stored attempts, on every backend.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { createMemoryStorage } from "../storage/memory/memory-storage.js";
import type { Storage } from "../storage/ports.js";
import { createSqliteStorage } from "../storage/sqlite/sqlite-storage.js";
import { attempt, delivery } from "../storage/test-support/storage-fixtures.js";

import { answer } from "./test-support/receiver.js";
import { perTest } from "./test-support/per-test.js";

const kit = perTest();

const backends: [string, () => Storage][] = [
  ["memory", () => kit.closes(createMemoryStorage())],
  [
    "sqlite",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "mockforge-attempts-"));
      kit.defer(() => rmSync(dir, { recursive: true, force: true }));
      return kit.closes(createSqliteStorage(join(dir, "state.db")));
    },
  ],
];

describe.each(backends)("attempt numbers (%s)", (_name, open) => {
  it("a delivery resumed after a crash between recording an attempt and counting it numbers its next attempt after the stored one", async () => {
    const receiver = await kit.receiver(answer(200));
    const storage = open();
    const clock = new ManualClock();
    // What the killed process left: attempt 1 stored, the delivery still in flight at 0 attempts.
    const left = delivery({ request: { method: "POST", url: receiver.url, headers: {}, body: "{}" }, status: "in_flight", nextAttemptAt: null, attemptCount: 0, createdAt: clock.now() });
    await storage.deliveries.insert(left);
    await storage.deliveries.addAttempt(attempt(left.id, { number: 1, startedAt: clock.now() }));

    const fx = await kit.engine({ storage, clock });
    const done = await fx.reach(left.id, "succeeded");
    expect(done.attemptCount).toBe(2);
    expect((await storage.deliveries.attempts(left.id)).map((a) => [a.number, a.response?.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });

  it("an attempt whose number another member recorded meanwhile (lease taken over) is recorded as the next one", async () => {
    const storage = open();
    let taken!: Promise<void>;
    const receiver = await kit.receiver((_req, res) => {
      // While this attempt is on the wire, another member records attempt 1 of the same delivery.
      taken = storage.deliveries
        .list({ status: "in_flight" })
        .then(([d]) => storage.deliveries.addAttempt(attempt(d!.id, { number: 1 })))
        .then(() => void res.writeHead(503).end());
    });
    const fx = await kit.engine({ storage });
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url }, { source: { kind: "route" }, retry: { max_attempts: 2 } });
    await receiver.waitForCount(1);
    await taken;
    // Recorded as attempt 2 of 2: the retry decision follows the number it got, so it is dead.
    const row = await fx.reach(rec.id, "dead");
    expect(row.attemptCount).toBe(2);
    expect((await storage.deliveries.attempts(rec.id)).map((a) => [a.number, a.response?.status])).toEqual([
      [1, 503],
      [2, 503],
    ]);
  });
});

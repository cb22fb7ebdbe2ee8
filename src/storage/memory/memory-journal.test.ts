import { describe, expect, it } from "vitest";
import { seededRandom } from "../../core/random.js";
import { T0, journalEntry } from "../test-support/storage-fixtures.js";
import { createMemoryJournal } from "./memory-journal.js";

describe("memory journal order", () => {
  it("matches a full sort by time then arrival for entries in any order, before and after prunes", async () => {
    const random = seededRandom(7);
    const j = createMemoryJournal();
    // Mostly in time order with stragglers up to 50 ms late, as delayed routes produce, plus ties.
    const appended = Array.from({ length: 600 }, (_, i) => journalEntry({ time: T0 + i - random.int(0, 50) * random.int(0, 1) }));
    for (const e of appended) await j.append(e);
    const reference = appended
      .map((e, arrival) => ({ e, arrival }))
      .sort((a, b) => b.e.time - a.e.time || b.arrival - a.arrival)
      .map((x) => x.e.id);
    const listed = async () => (await j.list({ limit: 10_000 })).map((e) => e.id);
    expect(await listed()).toEqual(reference);
    expect(await j.prune(450)).toBe(150);
    expect(await listed()).toEqual(reference.slice(0, 450));
    expect(await j.prune(100)).toBe(350);
    expect(await listed()).toEqual(reference.slice(0, 100));
    // A pruned id is gone for good; a kept one is still found.
    expect(await j.get(reference[100]!)).toBeUndefined();
    expect((await j.get(reference[99]!))?.id).toBe(reference[99]);
  });

  it("keeps at most its byte budget of entry text, dropping the oldest, and reads entries back whole", async () => {
    const j = createMemoryJournal({ maxBytes: 100_000 });
    const body = "x".repeat(9_000);
    const appended = Array.from({ length: 40 }, (_, i) => journalEntry({ time: T0 + i, rawBody: body, body: null, notes: [`n${i}`] }));
    for (const e of appended) await j.append(e);
    const kept = await j.list({ limit: 100 });
    // 40 entries of ~9 kB do not fit in 100 kB: the newest ones are kept, within the budget.
    expect(kept.length).toBeGreaterThanOrEqual(9);
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept.map((e) => e.id)).toEqual(appended.slice(-kept.length).reverse().map((e) => e.id));
    expect(await j.get(appended[0]!.id)).toBeUndefined();
    expect(kept[0]).toEqual(appended[39]);
    // A copy: changing what was read changes nothing stored.
    kept[0]!.notes.push("changed");
    expect((await j.get(appended[39]!.id))!.notes).toEqual(["n39"]);
  });
});

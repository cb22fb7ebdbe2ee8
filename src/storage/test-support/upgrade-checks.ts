import { expect } from "vitest";
import { isMockForgeError } from "../../core/errors.js";
import type { Storage } from "../ports.js";
import { T0, attempt, delivery } from "./storage-fixtures.js";

/**
 * The upgrade to unique attempt numbers, as every SQL backend must pass it: a kill -9 between
 * recording an attempt and counting it on the delivery left twins; opening the store again must
 * renumber them in the order they ran, raise the delivery's count, then refuse a new twin.
 * `rewind(twinId)` puts the closed store back to the schema before the constraint, with the
 * second attempt renumbered 1 (its own SQL, the one part that differs per backend).
 */
export async function checkTwinAttemptsUpgrade(open: () => Promise<Storage>, rewind: (twinId: string) => Promise<void>): Promise<void> {
  const before = await open();
  const d = delivery({ status: "pending", attemptCount: 1 });
  await before.deliveries.insert(d);
  const first = attempt(d.id, { number: 1, startedAt: T0 });
  const twin = attempt(d.id, { number: 2, startedAt: T0 + 1000 });
  await before.deliveries.addAttempt(first);
  await before.deliveries.addAttempt(twin);
  await before.close();
  await rewind(twin.id);
  const after = await open();
  try {
    expect((await after.deliveries.attempts(d.id)).map((a) => [a.id, a.number])).toEqual([[first.id, 1], [twin.id, 2]]);
    expect((await after.deliveries.get(d.id))!.attemptCount).toBe(2);
    const err = await after.deliveries.addAttempt(attempt(d.id, { number: 2 })).catch((e: unknown) => e);
    expect(isMockForgeError(err, "MFG_ERR_ATTEMPT_EXISTS")).toBe(true);
  } finally {
    await after.close();
  }
}

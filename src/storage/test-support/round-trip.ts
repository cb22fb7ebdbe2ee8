import { expect } from "vitest";

/**
 * The first promise of every store, checked the same way for each kind of record: each of
 * `records`, once `save` has stored it, reads back equal to what was given (the fixtures hold the
 * awkward values: unicode, nulls, nesting), and an id never stored reads as undefined.
 */
export async function expectRoundTrip<T extends { id: string }>(
  store: { get(id: string): Promise<T | undefined> },
  save: (record: T) => unknown,
  records: readonly T[],
  missingId: string,
): Promise<void> {
  for (const r of records) await save(r);
  for (const r of records) expect(await store.get(r.id)).toEqual(r);
  expect(await store.get(missingId)).toBeUndefined();
}

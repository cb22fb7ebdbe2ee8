import { afterEach, beforeEach, describe } from "vitest";
import type { Storage } from "./ports.js";
import { attemptConformance } from "./test-support/attempt-conformance.js";
import { claimConformance } from "./test-support/claim-conformance.js";
import type { ConformanceContext } from "./test-support/conformance-context.js";
import { deliveryConformance } from "./test-support/delivery-conformance.js";
import { journalConformance } from "./test-support/journal-conformance.js";
import { leaseConformance } from "./test-support/lease-conformance.js";
import { memberConformance } from "./test-support/member-conformance.js";
import { lifecycleConformance } from "./test-support/lifecycle-conformance.js";
import { retentionConformance } from "./test-support/retention-conformance.js";
import { runConformance } from "./test-support/run-conformance.js";

/** Optional abilities of the backend under test. */
export interface ConformanceOptions {
  /**
   * Opens another handle on the same data as `s` (closed or still open), as a restarted
   * process or a second instance would. Give it for persistent backends: it enables the
   * reopen and two-handle tests.
   */
  reopen?: (s: Storage) => Promise<Storage>;
}

/**
 * The one contract every storage backend passes (DESIGN rule 5). Registers vitest tests
 * covering every port method; `open` must return a fresh, empty store for each test.
 *
 * @example
 * describeStorageConformance("memory", async () => createMemoryStorage());
 * describeStorageConformance("sqlite", () => openTempSqlite(), { reopen: (s) => reopenSqlite(s) });
 */
export function describeStorageConformance(name: string, open: () => Promise<Storage>, options: ConformanceOptions = {}): void {
  describe(`storage conformance: ${name}`, () => {
    let current: Storage | undefined;
    const ctx: ConformanceContext = {
      storage: () => {
        if (!current) throw new Error("conformance: no storage open for this test");
        return current;
      },
      ...(options.reopen ? { reopen: options.reopen } : {}),
    };

    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    journalConformance(ctx);
    deliveryConformance(ctx);
    claimConformance(ctx);
    attemptConformance(ctx);
    leaseConformance(ctx);
    memberConformance(ctx);
    runConformance(ctx);
    retentionConformance(ctx);
    lifecycleConformance(ctx, (s) => {
      current = s;
    });
  });
}

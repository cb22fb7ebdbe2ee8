import type { Storage } from "../ports.js";

/** What each part of the conformance suite gets: the store under test for the current test. */
export interface ConformanceContext {
  /** The storage opened for the current test (fresh and empty). */
  storage(): Storage;
  /**
   * Opens another handle on the same data as `s` (which may be closed or still open),
   * as a restarted process or a second instance would. Absent for non-persistent backends.
   */
  reopen?: (s: Storage) => Promise<Storage>;
}

import type { ErrorCode } from "../core/errors.js";

/** One problem. `path` is relative to what was validated, as keys and indexes, for `ConfigSource.problem`. */
export interface ChaosIssue {
  code: ErrorCode;
  /** e.g. `["scenarios", 0, "steps", 1, "post_hooks", 0, "hook_type"]`. */
  path: (string | number)[];
  message: string;
  hint?: string;
  /** Character offset inside the string value the problem is about. */
  offset?: number;
}

import type { ErrorCode } from "../core/errors.js";

/** One problem, with its path relative to `consistency_rules` (`[1, "condition"]`). */
export interface RuleIssue {
  code: ErrorCode;
  path: (string | number)[];
  message: string;
  hint?: string;
  /** Character offset inside the string value the problem is about. */
  offset?: number;
}

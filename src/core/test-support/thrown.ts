import { isMockForgeError, type MockForgeError } from "../errors.js";

/**
 * The error of type `E` that `fn` throws; rethrows any other error, and fails when `fn` throws
 * nothing (`what` names the call in that message).
 *
 * @example
 * const e = thrown(() => parseExpression("a =="), isMockForgeError, "a =="); // e.code === "MFG_ERR_EXPR_SYNTAX"
 */
export function thrown<E>(fn: () => unknown, is: (e: unknown) => e is E, what: string): E {
  try {
    fn();
  } catch (e) {
    if (is(e)) return e;
    throw e;
  }
  throw new Error(`expected ${what} to fail`);
}

/** The MockForgeError `fn` throws. */
export function mockForgeErrorOf(fn: () => unknown, what: string): MockForgeError {
  return thrown(fn, (e): e is MockForgeError => isMockForgeError(e), what);
}

import { thrown } from "../../core/test-support/thrown.js";
import { ConfigError } from "../config-error.js";

/** The ConfigError `fn` throws (fails the test when it throws none, rethrows any other error). */
export function configError(fn: () => unknown): ConfigError {
  return thrown(fn, (e): e is ConfigError => e instanceof ConfigError, "the call");
}

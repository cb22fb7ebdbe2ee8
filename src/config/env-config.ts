/**
 * The environment part of loading a config (issue 14, finding 5): the names the file writes
 * literally (it may read those, see core/env-access.ts), the deprecated
 * `scripting.env_allowlist` folded into the top-level `env_allowlist`, and a warning for each
 * read with a computed key, which sees only the allowed names.
 */
import { scanEnv } from "../core/env-names.js";
import { problemLine } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { MockForgeConfig } from "./schema/config.js";

export interface EnvSettled {
  /** Names written literally in the file (`env.NAME`), sorted. */
  names: string[];
  /** `file:line:col` lines. */
  warnings: string[];
}

/**
 * Merges `scripting.env_allowlist` into `env_allowlist` (in place) and collects the file's
 * names and warnings.
 *
 * @example
 * const { names } = settleEnvConfig(config, source); // ["WEBHOOK_SECRET", "WEBHOOK_TOKEN"]
 */
export function settleEnvConfig(config: MockForgeConfig, source: ConfigSource): EnvSettled {
  const warnings: string[] = [];
  const old = config.scripting.env_allowlist;
  if (old !== undefined) {
    config.env_allowlist = [...new Set([...config.env_allowlist, ...old])];
    warnings.push(
      problemLine(
        source.problem("MFG_ERR_CONFIG_INVALID", ["scripting", "env_allowlist"], "`scripting.env_allowlist` is deprecated: it now covers templates and conditions too, as the top-level `env_allowlist`, which these names were merged into", {
          at: "key",
          hint: "move the list to the top level: `env_allowlist: [...]`",
        }),
      ),
    );
  }
  const scan = scanEnv(config);
  const names = [...scan.names].sort();
  for (const path of scan.computed) {
    const allowed = [...new Set([...names, ...config.env_allowlist])].sort();
    warnings.push(
      problemLine(
        source.problem("MFG_ERR_CONFIG_INVALID", path, `reads env with a computed key: only the names this file writes as env.NAME and those in env_allowlist can be read (${allowed.join(", ") || "none"}); any other reads as empty`, {
          hint: "write the name (`env.NAME`) or add it to `env_allowlist`",
        }),
      ),
    );
  }
  return { names, warnings };
}

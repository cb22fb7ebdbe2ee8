/**
 * Loading a config file: read → parse (YAML or JSON) → normalise keys → schema → semantic
 * checks. Any problem ends in one `ConfigError` that lists them all with `file:line:col`.
 */
import { dirname, resolve } from "node:path";
import { problemLine } from "./config-error.js";
import { readConfigFile } from "./read-config-file.js";
import { parseValueWithSchema, parseWithSchema, type ConfigSource, type ConfigWarning } from "./parse-with-schema.js";
import { configSchema, type MockForgeConfig } from "./schema/config.js";
import { routeSchema, type RouteConfig } from "./schema/routes.js";
import { findConfigProblems, findRouteProblems } from "./validate-config.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { settleEnvConfig } from "./env-config.js";

export interface LoadedConfig {
  /** Every default filled in. Relative paths in it are relative to `dir`. */
  config: MockForgeConfig;
  /** Absolute path of the file. */
  file: string;
  /** The file's folder: the base of relative paths (SQLite file, chain files). */
  dir: string;
  /** Not fatal, shown to the user: `file:line:col message`. */
  warnings: string[];
  /** Locates later (domain) problems at `file:line:col` by config path. */
  source: ConfigSource;
  /**
   * Environment variables the file names literally (`env.NAME` in a template, condition or
   * script): with `env_allowlist`, what its content may read (docs/security.md).
   */
  envNames: string[];
  /** With `collectProblems`: the semantic problems found (routes, templates, signing); else never set. */
  problems?: ConfigProblem[];
}

export interface LoadConfigOptions {
  /** Base of a relative `file`; defaults to the process's working directory. */
  cwd?: string;
  /**
   * Hand the semantic problems of a schema-valid file back in `problems` instead of throwing
   * them, so a caller that runs the domain checks too (`validate`) reports everything at once.
   */
  collectProblems?: boolean;
}

/**
 * Reads and checks a config file.
 *
 * @throws ConfigError MFG_ERR_CONFIG_PARSE / _UNKNOWN_KEY / _INVALID / MFG_ERR_ROUTE_DUPLICATE / MFG_ERR_TEMPLATE_SYNTAX …
 * @throws MockForgeError MFG_ERR_CONFIG_NOT_FOUND when the file cannot be read
 * @example
 * const { config, dir } = await loadConfig("mockforge.yaml");
 * config.http.port // 3000 unless the file says otherwise
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = resolve(options.cwd ?? process.cwd(), file);
  const text = await readConfigFile(absolute, file, "Config file", "check the path, or pass --config <file>");
  return parseConfigText(text, file, { dir: dirname(absolute), absoluteFile: absolute, collectProblems: options.collectProblems === true });
}

/**
 * Checks config text. `file` is used in messages (as given) and, unless `options.dir` is set,
 * its folder is the base of relative paths.
 *
 * @throws ConfigError with every problem found
 * @example
 * const { config } = parseConfigText("routes:\n  - path: /ping\n", "inline.yaml");
 */
export function parseConfigText(text: string, file: string, options: { dir?: string; absoluteFile?: string; collectProblems?: boolean } = {}): LoadedConfig {
  const parsed = parseWithSchema(text.replace(/^\uFEFF/, ""), file, configSchema);
  const problems = findConfigProblems(parsed.data, parsed.source);
  if (problems.length > 0 && !options.collectProblems) throw new ConfigError(problems);
  const absoluteFile = options.absoluteFile ?? resolve(file);
  const env = settleEnvConfig(parsed.data, parsed.source);
  return {
    config: parsed.data,
    file: absoluteFile,
    dir: options.dir ?? dirname(absoluteFile),
    warnings: [...parsed.warnings.map(warningLine), ...env.warnings],
    source: parsed.source,
    envNames: env.names,
    ...(options.collectProblems ? { problems } : {}),
  };
}

/**
 * Checks one route given as data (an admin API body), with the same key spellings, messages
 * and template checks as a config file. `label` names the origin in messages.
 *
 * @throws ConfigError with every problem found
 * @example
 * parseRouteInput({ path: "/ping", response: { body: "pong" } }, "POST /__mockforge/routes").method // "ANY"
 */
export function parseRouteInput(input: unknown, label: string): RouteConfig {
  return checkRouteInput(input, label).route;
}

/**
 * `parseRouteInput` with what a file would be warned about at load (a `__proto__` header that
 * cannot be sent): `label: path: message` lines, for the admin answer.
 *
 * @throws ConfigError with every problem found
 * @example
 * checkRouteInput({ path: "/x", response: { headers: JSON.parse('{"__proto__": "v"}') } }, "POST /__mockforge/routes").warnings
 * // ["POST /__mockforge/routes: response.headers.__proto__: a header named '__proto__' is ignored: it cannot be sent (rename it)"]
 */
export function checkRouteInput(input: unknown, label: string): { route: RouteConfig; warnings: string[] } {
  const parsed = parseValueWithSchema(input, label, routeSchema);
  // The checks address routes in a list; this route is the whole document, so drop the index.
  const { source } = parsed;
  const single: ConfigSource = {
    file: source.file,
    displayPath: (path) => source.displayPath(path.slice(1)),
    problem: (code, path, message, options) => source.problem(code, path.slice(1), message, options),
  };
  const problems = findRouteProblems([parsed.data], single, []);
  if (problems.length > 0) throw new ConfigError(problems);
  return { route: parsed.data, warnings: parsed.warnings.map(warningLine) };
}

function warningLine(w: ConfigWarning): string {
  return problemLine({ code: "MFG_ERR_CONFIG_INVALID", message: w.message, file: w.file, line: w.line, column: w.column, path: w.path ?? "" });
}

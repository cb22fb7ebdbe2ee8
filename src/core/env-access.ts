/**
 * The one place the environment is filtered for templates, conditions, scripts and signing
 * secrets (issue 14, finding 5; docs/security.md). Nothing else reads `process.env` for them:
 * `createApp` builds an `EnvAccess` and hands its views out.
 *
 * - `file`: what the config files may read: every name they write literally (`env.NAME`, see
 *   env-names.ts), plus `env_allowlist`.
 * - `runtime`: what routes and chains added at run time (admin API, another cluster member)
 *   may read: `env_allowlist` only. Their text is checked when they are added
 *   (`refuseUnlisted`), so a name outside the list is a 400, not a silent empty value.
 *
 * A view is an object holding only the allowed names that are set when it is built (the
 * server's start); each reads the variable's current value, so a secret rotated in the process
 * signs the next attempt. `{{env}}` as a whole renders exactly those names, and a view copies,
 * stores and clones like plain data (its properties are enumerable getters). The two views are
 * built once and serve everything: templates, conditions, signing secrets, and scripts
 * (`mockforge.env` is the view's JSON when the script starts, route, rule and chain scripts alike).
 */
import { MockForgeError } from "./errors.js";
import { scanEnv, type ValuePath } from "./env-names.js";

export type EnvRecord = Readonly<Record<string, string | undefined>>;

export interface EnvAccess {
  /** Config-file content: names written in the loaded files plus `env_allowlist`. Grows with `addFileNames`, never shrinks. */
  readonly file: EnvRecord;
  /** Run-time additions: `env_allowlist` only. */
  readonly runtime: EnvRecord;
  readonly allowlist: readonly string[];
  /** The view for content added at run time or loaded from a file. */
  of(addedAtRunTime: boolean): EnvRecord;
  /** Names written literally in files loaded after the config (chain files). */
  addFileNames(names: Iterable<string>): void;
}

/**
 * @example
 * const access = createEnvAccess(process.env, { allowlist: ["REGION"], fileNames: ["WEBHOOK_TOKEN"] });
 * access.file    // { REGION: "eu", WEBHOOK_TOKEN: "tok" } (the ones that are set)
 * access.runtime // { REGION: "eu" }
 */
export function createEnvAccess(raw: EnvRecord, o: { allowlist: readonly string[]; fileNames?: Iterable<string> }): EnvAccess {
  const allowlist = Object.freeze([...new Set(o.allowlist)]);
  const runtime: Record<string, string> = {};
  copyNames(raw, allowlist, runtime);
  Object.freeze(runtime);
  const file: Record<string, string> = {};
  const addFileNames = (names: Iterable<string>) => copyNames(raw, names, file);
  addFileNames(allowlist);
  if (o.fileNames) addFileNames(o.fileNames);
  return { file, runtime, allowlist, of: (addedAtRunTime) => (addedAtRunTime ? runtime : file), addFileNames };
}

/** Defines each set name once, read-only: a view's holders cannot change what others see. */
function copyNames(raw: EnvRecord, names: Iterable<string>, into: Record<string, string>): void {
  for (const name of names) {
    if (Object.hasOwn(into, name) || !Object.hasOwn(raw, name) || typeof raw[name] !== "string") continue;
    Object.defineProperty(into, name, { get: () => raw[name], enumerable: true, configurable: false });
  }
}

/**
 * Only `names` of `env` that are set, as plain data: what `runChain`'s callers give their
 * scripts (`scripts.envAllowlist`). The server's own scripts need no copy: they get a view,
 * which the sandbox reads when a script starts (its JSON leaves out a name unset since).
 *
 * @example
 * pickEnv({ REGION: "eu", DB_PASSWORD: "x" }, ["REGION", "MISSING"]) // { REGION: "eu" }
 */
export function pickEnv(env: EnvRecord, names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = env[name];
    if (typeof v === "string") out[name] = v;
  }
  return out;
}

/**
 * Refuses a run-time addition (a route or chain sent to the admin API) that reads a variable
 * outside `env_allowlist`, or reads env with a computed key (which name it would read is not
 * known until it runs, and a signing secret is rendered by the delivery engine, which serves
 * file content too). `label` names the addition in the message.
 *
 * @throws MockForgeError MFG_ERR_ENV_NOT_ALLOWED
 * @example
 * refuseUnlisted({ response: { body: "{{env.DB_PASSWORD}}" } }, ["REGION"], "POST /__mockforge/routes") // throws
 */
export function refuseUnlisted(value: unknown, allowlist: readonly string[], label: string): void {
  const allowed = new Set(allowlist);
  const scan = scanEnv(value);
  const unlisted = [...scan.names].filter((n) => !allowed.has(n));
  const computed = scan.computed;
  if (unlisted.length === 0 && computed.length === 0) return;
  const listed = allowlist.length > 0 ? `env_allowlist holds: ${allowlist.join(", ")}` : "env_allowlist is empty";
  if (unlisted.length > 0) {
    throw new MockForgeError("MFG_ERR_ENV_NOT_ALLOWED", `${label}: reads environment variable${unlisted.length > 1 ? "s" : ""} ${unlisted.join(", ")}, which ${unlisted.length > 1 ? "are" : "is"} not in env_allowlist (${listed})`, {
      names: unlisted,
      hint: "What is added at run time reads only the names in the config's top-level `env_allowlist`; add the name there and restart, or put the route in the config file.",
    });
  }
  throw new MockForgeError("MFG_ERR_ENV_NOT_ALLOWED", `${label}: reads env with a computed key at ${computed.map(pathText).join(", ")}; what is added at run time must name each variable (env.NAME)`, {
    paths: computed.map(pathText),
    hint: `Write the variable's name (\`{{env.NAME}}\`); ${listed}.`,
  });
}

function pathText(path: ValuePath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(the value)";
}

/**
 * The loading pipeline shared by config files and standalone documents (chain files):
 * YAML/JSON text → keys normalised against the schema → zod → one `ConfigError` listing every
 * problem at `file:line:col`, or typed data plus a `ConfigSource` that later checks use to
 * position their own problems.
 */
import type { z } from "zod";
import type { ErrorCode } from "../core/errors.js";
import { formatPath, pathKey, type PathSegment } from "./config-path.js";
import { ConfigError, type ConfigProblem, type ConfigWarning } from "./config-error.js";
import { normalizeKeys } from "./normalize-keys.js";
import { protoHeaderWarnings } from "./proto-keys.js";
import { describeIssues } from "./schema-issues.js";
import { parseSource, type SourceDocument } from "./source-document.js";

export type { ConfigWarning };


export interface ProblemOptions {
  hint?: string;
  /** Point at the key rather than its value (unknown keys, duplicates). */
  at?: "key" | "value";
  /** Character offset inside a one-line string value, for template errors. */
  offset?: number;
  /** Extra facts kept on the problem. */
  extra?: Record<string, unknown>;
}

/** Builds located problems for a loaded document from canonical (schema) paths. */
export interface ConfigSource {
  file: string;
  /** The path as the user wrote it (`routes[0].response.delayMs`). */
  displayPath(path: readonly PropertyKey[]): string;
  problem(code: ErrorCode, path: readonly PropertyKey[], message: string, options?: ProblemOptions): ConfigProblem;
}

export interface ParsedDocument<T> {
  data: T;
  source: ConfigSource;
  warnings: ConfigWarning[];
}

/**
 * Parses `text` as a document of `schema`. An empty document (nothing but comments) is `{}`,
 * with a warning.
 *
 * @throws ConfigError with every problem (MFG_ERR_CONFIG_PARSE, _UNKNOWN_KEY, _INVALID)
 * @example
 * const { data } = parseWithSchema("links: []\n", "orders.yaml", chainSchema);
 */
export function parseWithSchema<S extends z.ZodType>(text: string, file: string, schema: S): ParsedDocument<z.output<S>> {
  const doc = parseSource(text, file);
  const warnings: ConfigWarning[] = doc.warnings.map((w) => ({ ...w, file }));
  let data = doc.data;
  if (data === null || data === undefined) {
    warnings.push({ file, message: "the file is empty: every setting takes its default" });
    data = {};
  }
  const checked = checkAgainstSchema(data, schema, file, doc);
  warnings.push(...protoHeaderWarnings(data, file, doc));
  return { ...checked, warnings };
}

/**
 * Like `parseWithSchema` for a value that is already data (an admin API body, a config built
 * in code): the same key normalising and messages, with paths but no line numbers.
 * `label` names the origin in messages (`POST /__mockforge/routes`).
 *
 * @throws ConfigError with every problem
 */
export function parseValueWithSchema<S extends z.ZodType>(value: unknown, label: string, schema: S): ParsedDocument<z.output<S>> {
  // The same word as a file gets about a `__proto__` header, which the schema drops.
  return { ...checkAgainstSchema(value, schema, label, null), warnings: protoHeaderWarnings(value, label, null) };
}

function checkAgainstSchema<S extends z.ZodType>(data: unknown, schema: S, file: string, doc: SourceDocument | null): { data: z.output<S>; source: ConfigSource } {
  const normalized = normalizeKeys(data, schema);
  const source = sourceFor(file, doc, normalized.toOriginalPath);
  const problems: ConfigProblem[] = normalized.problems.map((p) =>
    locatedProblem(file, doc, p.code, p.path, p.message, { hint: p.hint, at: "key" }),
  );
  const result = schema.safeParse(normalized.value);
  if (!result.success) {
    // `pth` reported as unknown with "did you mean `path`?" already explains the missing `path`.
    const explained = new Set(normalized.problems.filter((p) => p.suggestion).map((p) => pathKey([...p.path.slice(0, -1), p.suggestion!])));
    for (const issue of describeIssues(result.error.issues, normalized.value)) {
      const original = normalized.toOriginalPath(issue.path);
      if (issue.missing && explained.has(pathKey([...original.slice(0, -1), String(issue.path[issue.path.length - 1])]))) continue;
      // A missing key has no position of its own: point at the object that lacks it.
      const at = issue.missing ? original.slice(0, -1) : original;
      const problem = locatedProblem(file, doc, issue.code, at, issue.message, { hint: issue.hint });
      problems.push({ ...problem, path: formatPath(original) });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { data: result.data as z.output<S>, source };
}

function sourceFor(file: string, doc: SourceDocument | null, toOriginal: (p: readonly PropertyKey[]) => PathSegment[]): ConfigSource {
  return {
    file,
    displayPath: (path) => formatPath(toOriginal(path)),
    problem: (code, path, message, options = {}) => locatedProblem(file, doc, code, toOriginal(path), message, options),
  };
}

function locatedProblem(file: string, doc: SourceDocument | null, code: ErrorCode, path: PathSegment[], message: string, options: ProblemOptions): ConfigProblem {
  const pos = doc ? ((options.offset !== undefined ? doc.locateInScalar(path, options.offset) : null) ?? doc.locate(path, options.at)) : null;
  const problem: ConfigProblem = { ...options.extra, code, message, file, path: formatPath(path) };
  if (pos) {
    problem.line = pos.line;
    problem.column = pos.column;
  }
  if (options.hint) problem.hint = options.hint;
  return problem;
}

/**
 * A `ConfigSource` for data that did not come from a file (the admin API, `startServer(config)`):
 * problems carry paths but no line or column.
 */
export function detachedSource(file = "<config>"): ConfigSource {
  return sourceFor(file, null, (path) => path.map((s) => (typeof s === "number" ? s : String(s))));
}

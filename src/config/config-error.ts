/**
 * One error for everything wrong with a config file. Users fix configs in one pass when they
 * see every problem at once, so loading collects all of them and throws a single
 * `ConfigError` whose `details.errors` lists each one with its own code and position.
 */
import { MockForgeError, type ErrorCode } from "../core/errors.js";

/** One problem, located. `path` is as the user wrote it (`routes[0].response.delayMs`). */
export interface ConfigProblem {
  code: ErrorCode;
  message: string;
  file: string;
  line?: number;
  column?: number;
  path: string;
  hint?: string;
  /** Extra facts (for a duplicate route: where the first one is). */
  [extra: string]: unknown;
}

/**
 * Something worth telling the user that does not stop loading. It lives beside `ConfigProblem`
 * so the warning producers (`proto-keys.ts`) need not import the parser that calls them.
 */
export interface ConfigWarning {
  message: string;
  file: string;
  line?: number;
  column?: number;
  path?: string;
}

/** Lines `format()` prints before summarising the rest. */
const MAX_FORMATTED = 20;

/**
 * A config error carrying every problem. `code`, `details.{file,line,column,path,hint}` are the
 * first problem's (problems are sorted by position); `details.errors` holds them all.
 */
export class ConfigError extends MockForgeError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const sorted = sortProblems(problems);
    const first = sorted[0];
    const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? "s" : ""})` : "";
    super(first.code, `${problemLine(first)}${more}`, {
      file: first.file,
      line: first.line,
      column: first.column,
      path: first.path,
      hint: first.hint,
      errors: sorted,
    });
    this.name = "ConfigError";
    this.problems = sorted;
  }

  /**
   * One line per problem: `file:line:col path: message (hint) [MFG_ERR_…]`, after a count when
   * there are several. The code comes last so a script can grep for it.
   */
  override format(): string {
    const lines = this.problems.slice(0, MAX_FORMATTED).map((p) => `${problemLine(p)} [${p.code}]`);
    if (this.problems.length > MAX_FORMATTED) lines.push(`… and ${this.problems.length - MAX_FORMATTED} more`);
    if (this.problems.length > 1) lines.unshift(`${this.problems[0].file}: ${this.problems.length} problems`);
    return lines.join("\n");
  }
}

/** `file:line:col path: message (hint)`. */
export function problemLine(p: ConfigProblem): string {
  const where = p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ""}` : "";
  const prefix = where ? `${p.file}${where} ` : `${p.file}: `;
  const path = p.path ? `${p.path}: ` : "";
  const hint = p.hint ? ` (${p.hint})` : "";
  return `${prefix}${path}${p.message}${hint}`;
}

/** By line then column; unpositioned problems last, otherwise in the order found. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map((x) => x.p);
}

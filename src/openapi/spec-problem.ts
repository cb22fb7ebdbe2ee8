/**
 * What is wrong with a spec, located: the file, the JSON pointer inside it and, for YAML (and
 * JSON, which is YAML), the line. One `OpenApiError` carries every problem of a load, so a user
 * fixes them all in one pass, as with config errors.
 */
import { MockForgeError, type ErrorCode } from "../core/errors.js";

export interface SpecProblem {
  code: ErrorCode;
  message: string;
  /** The spec file as the user named it (or the referenced file). */
  file: string;
  /** JSON pointer inside `file`, `""` for the whole document. */
  pointer: string;
  /** 1-based, when known. */
  line?: number;
  hint?: string;
}

/** `file:line pointer: message (hint) [code]`, the shape config problems have. */
export function problemText(p: SpecProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const at = p.pointer ? ` #${p.pointer}` : "";
  const hint = p.hint ? ` (${p.hint})` : "";
  return `${where}${at}: ${p.message}${hint} [${p.code}]`;
}

/**
 * A spec that cannot be served. Its code is the first problem's; `details.problems` lists all.
 *
 * @example
 * throw new OpenApiError([{ code: "MFG_ERR_OPENAPI_REF", message: "…", file: "a.yaml", pointer: "/paths/~1pets/get" }]);
 */
export class OpenApiError extends MockForgeError {
  readonly problems: SpecProblem[];
  constructor(problems: SpecProblem[]) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    super(first.code, `${problemText(first)}${more}`, {
      file: first.file,
      ...(first.line ? { line: first.line } : {}),
      path: first.pointer,
      hint: first.hint ?? "fix the spec, or pass --openapi-lenient (openapi[].lenient: true) to serve what is sound",
      problems: problems.map((p) => ({ ...p, text: problemText(p) })),
    });
    this.problems = problems;
  }

  override format(): string {
    if (this.problems.length === 1) return problemText(this.problems[0]!);
    return [`${this.problems[0]!.file}: ${this.problems.length} problems`, ...this.problems.map(problemText)].join("\n");
  }
}

/** Escapes one JSON pointer token (RFC 6901). */
export function escapeToken(t: string | number): string {
  return String(t).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Splits a JSON pointer into its tokens (`""` → `[]`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return pointer === "/" ? [""] : [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** `base` + one token. */
export function childPointer(base: string, token: string | number): string {
  return `${base}/${escapeToken(token)}`;
}

import { MockForgeError, isMockForgeError } from "../core/errors.js";
import { evaluate, parseExpression, quoteSource, truthy, type EvalEnv, type Expr } from "../expr/index.js";
import { findClose } from "./scan-template.js";

/** A compiled string condition. */
export interface Condition {
  readonly source: string;
  /**
   * True when the expression's value is truthy. A missing root name is an error
   * (MFG_ERR_EXPR_MISSING_NAME) unless `env.strict` is explicitly `false` (SPEC §8).
   */
  evaluate(scope: Record<string, unknown>, env: EvalEnv): boolean;
  /** Static paths the condition reads (`chain.payment_response.status`). */
  references(): string[];
}

/**
 * Compiles a condition that may mix `{{ }}` with operators, e.g.
 * `{{chain.payment_response.status}} == 'succeeded'`. Each `{{ e }}` becomes `( e )` and the
 * whole is parsed as ONE expression, so inserted values are compared, never parsed as code.
 * Inside a quoted string, `'{{a}}-{{b}}'` becomes a text join of the parts. Without `{{` it is
 * a plain expression (`method == 'POST' AND status == 201`). Errors point into `source`.
 *
 * @example
 * const c = compileCondition("{{chain.payment.status}} == 'processing'");
 * c.evaluate({ chain: { payment: { status: "processing" } } }, env); // true
 */
export function compileCondition(source: string, path = ""): Condition {
  const expr = parseCondition(source, path);
  return {
    source,
    evaluate: (scope, env) => truthy(evaluate(expr, scope, env.strict === undefined ? { ...env, strict: true } : env)),
    references: () => [...expr.paths],
  };
}

function parseCondition(source: string, path: string): Expr {
  if (!source.includes("{{")) return withPath(() => parseExpression(source), path);
  const { code, origin } = rewrite(source, path);
  return withPath(() => {
    try {
      return parseExpression(code);
    } catch (e) {
      if (!isMockForgeError(e)) throw e;
      // Point the error at the condition as written, not at the rewritten text.
      const pos = e.details.position;
      const mapped = pos === undefined ? undefined : (origin[pos] ?? source.length);
      let message = e.message.replace(quoteSource(code), quoteSource(source));
      if (pos !== undefined) message = message.replace(`(at character ${pos})`, `(at character ${mapped})`);
      const details = { ...e.details, expression: source, ...(mapped === undefined ? {} : { position: mapped }) };
      throw new MockForgeError(e.code, message, details, { cause: e });
    }
  }, path);
}

function withPath(parse: () => Expr, path: string): Expr {
  try {
    return parse();
  } catch (e) {
    if (isMockForgeError(e) && path) e.details.path = path;
    throw e;
  }
}

/** The rewritten expression and, for each of its characters, the offset in the source it came from. */
function rewrite(source: string, path: string): { code: string; origin: number[] } {
  let code = "";
  const origin: number[] = [];
  const emit = (text: string, from: number) => {
    code += text;
    for (let k = 0; k < text.length; k++) origin.push(from);
  };
  const copy = (start: number, end: number) => {
    for (let k = start; k < end; k++) emit(source[k]!, k);
  };
  const slot = (open: number): number => {
    const close = findClose(source, open + 2);
    if (close < 0) throw unclosed(source, open, path);
    emit("(", open);
    copy(open + 2, close);
    emit(")", close);
    return close + 2;
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "{" && source[i + 1] === "{") {
      i = slot(i);
    } else if (c === "'" || c === '"') {
      const end = quotedEnd(source, i);
      if (end < 0 || !source.slice(i, end).includes("{{")) {
        // No template inside (or unclosed, which the parser reports): copy as written.
        const stop = end < 0 ? source.length : end + 1;
        copy(i, stop);
        i = stop;
        continue;
      }
      // 'a{{x}}b' → ('' + 'a' + (x) + 'b'): a text join, so the parts are never re-parsed.
      emit("(''", i);
      let k = i + 1;
      while (k < end) {
        const open = nextSlot(source, k, end);
        const textEnd = open < 0 ? end : open;
        if (textEnd > k) {
          emit(` + ${c}`, k);
          copy(k, textEnd);
          emit(c, textEnd);
        }
        if (open < 0) break;
        emit(" + ", open);
        k = slot(open);
      }
      emit(")", end);
      i = end + 1;
    } else {
      copy(i, i + 1);
      i++;
    }
  }
  return { code, origin };
}

/** The closing quote of the string opening at `start`, skipping escapes and `{{ … }}`; -1 if unclosed. */
function quotedEnd(source: string, start: number): number {
  const q = source[start];
  for (let j = start + 1; j < source.length; j++) {
    const c = source[j];
    if (c === "\\") j++;
    else if (c === "{" && source[j + 1] === "{") {
      const close = findClose(source, j + 2);
      if (close < 0) return -1;
      j = close + 1;
    } else if (c === q) return j;
  }
  return -1;
}

/** The next unescaped `{{` in [from, end), or -1. */
function nextSlot(source: string, from: number, end: number): number {
  for (let j = from; j < end; j++) {
    if (source[j] === "\\") j++;
    else if (source[j] === "{" && source[j + 1] === "{") return j;
  }
  return -1;
}

function unclosed(source: string, open: number, path: string): MockForgeError {
  return new MockForgeError(
    "MFG_ERR_EXPR_SYNTAX",
    `Condition ${quoteSource(source)} is not valid: a '{{' is never closed (at character ${open})`,
    { position: open, expression: source, ...(path ? { path } : {}), hint: "Close it with '}}'." },
  );
}

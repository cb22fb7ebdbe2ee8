/**
 * Scripts run as the body of an async function so top-level `await` and `return` work. The
 * wrapper puts the script on lines of its own; positions QuickJS reports are mapped back to
 * the script as written (line 1 is the script's first line).
 */

/** File name QuickJS reports for script frames; prelude frames use another name. */
export const SCRIPT_FILE = "script.js";

const WRAPPER_HEAD = "(async function () {\n";
const WRAPPER_LINES_BEFORE = 1;

/** The source evaluated in the sandbox; evaluating it yields the async function. */
export function wrapScript(code: string): string {
  return `${WRAPPER_HEAD}${code}\n})`;
}

export interface ScriptPosition {
  line: number;
  column: number;
}

const FRAME = /script\.js:(\d+)(?::(\d+))?/;

/**
 * The first script frame of a QuickJS stack (`at f (script.js:4:7)` or `at script.js:4:7`),
 * mapped to the script's own lines. A position past the script's end (an unterminated block,
 * "unexpected end of input") is reported at the end of its last line.
 */
export function scriptPosition(stack: string | undefined, code: string): ScriptPosition | undefined {
  if (!stack) return undefined;
  const m = FRAME.exec(stack);
  if (!m) return undefined;
  const lines = code.split("\n");
  let line = Number(m[1]) - WRAPPER_LINES_BEFORE;
  let column = m[2] ? Number(m[2]) : 1;
  if (line < 1) {
    line = 1;
    column = 1;
  } else if (line > lines.length) {
    line = lines.length;
    column = lines[line - 1]!.length + 1;
  }
  return { line, column };
}

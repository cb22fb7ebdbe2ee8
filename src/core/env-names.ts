/**
 * Which environment variables a piece of config names literally (issue 14, finding 5). A name
 * counts when a string value holds `env.NAME`, `env['NAME']` or `env["NAME"]`: in a template
 * (`{{env.WEBHOOK_TOKEN}}`, `{{hash(env.WEBHOOK_SECRET + request.body)}}`), a condition, or a
 * script (`mockforge.env.NAME`, and `const { NAME } = mockforge.env`). The same scan serves
 * a config file (the names it may read) and a run-time addition (the names it must not read
 * unless they are in `env_allowlist`), so both sides agree on what "names" means.
 */

/** `env.NAME` / `env['NAME']` / `env["NAME"]`, not part of a longer identifier (`myenv.X`). */
const NAMED = /(?<![\w$])env\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:'([^'\\\r\n]*)'|"([^"\\\r\n]*)")\s*\])/g;
/** `env[expr]` whose key is not one quoted literal (`env[k]`, `env['A' + b]`): the name is only known at run time. */
const COMPUTED = /(?<![\w$])env\s*\[(?!\s*(?:'[^'\\\r\n]*'|"[^"\\\r\n]*")\s*\])/;
/** `{ A, B: b, C = 'x' } = mockforge.env` (or `= env`): destructuring in a script. */
const DESTRUCTURED = /\{([^{}]*)\}\s*=\s*(?:[\w$]+\s*\.\s*)?env(?![\w$])/g;

export type ValuePath = (string | number)[];

/**
 * Calls `visit` with every string inside `value` (object keys are not values). `path()` gives
 * the string's path; it is built only when asked, since the walk covers every string of a
 * config (100k routes) and almost none needs it.
 */
function eachString(value: unknown, visit: (s: string, path: () => ValuePath) => void): void {
  const stack: (string | number)[] = [];
  const path = () => stack.slice();
  const walk = (v: unknown): void => {
    if (typeof v === "string") visit(v, path);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        stack.push(i);
        walk(v[i]);
        stack.pop();
      }
    } else if (typeof v === "object" && v !== null) {
      for (const k of Object.keys(v)) {
        stack.push(k);
        walk((v as Record<string, unknown>)[k]);
        stack.pop();
      }
    }
  };
  walk(value);
}

/** The names one string reads literally. */
export function envNamesInText(text: string, out: Set<string> = new Set()): Set<string> {
  // Most strings never mention env: skip the regular expressions for them (a config of 100k routes).
  if (!text.includes("env")) return out;
  for (const m of text.matchAll(NAMED)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name) out.add(name);
  }
  for (const m of text.matchAll(DESTRUCTURED)) {
    for (const part of m[1]!.split(",")) {
      const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (name) out.add(name);
    }
  }
  return out;
}

/**
 * Every name `value` reads literally, over all its strings.
 *
 * @example
 * envNamesIn({ headers: { Authorization: "Bearer {{env.WEBHOOK_TOKEN}}" } }) // Set { "WEBHOOK_TOKEN" }
 */
export function envNamesIn(value: unknown): Set<string> {
  const out = new Set<string>();
  eachString(value, (s) => envNamesInText(s, out));
  return out;
}

/**
 * The names `value` reads literally, and the paths of the strings that read env with a key
 * computed at run time (`env[request.query.k]`: such a read sees the allowed names only, so a
 * file is warned at load), in one walk.
 *
 * @example
 * scanEnv({ a: "{{env.X}}", b: "{{env[k]}}" }) // { names: Set { "X" }, computed: [["b"]] }
 */
export function scanEnv(value: unknown): { names: Set<string>; computed: ValuePath[] } {
  const names = new Set<string>();
  const computed: ValuePath[] = [];
  eachString(value, (s, path) => {
    if (!s.includes("env")) return;
    envNamesInText(s, names);
    if (COMPUTED.test(s)) computed.push(path());
  });
  return { names, computed };
}

/**
 * A small glob matcher for `chains:` entries (`chains/*.yaml`, `chains/**\/*.{yml,yaml}`).
 * `fs.globSync` only exists from Node 22 and the engines field allows Node 20.19, so this walks
 * the tree itself: `*`, `?`, `**`, `{a,b}` and `[abc]` are supported.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";

/** Deepest folder level walked under the glob's fixed prefix; keeps a stray `**` bounded. */
const MAX_DEPTH = 16;

/** True when the string has glob syntax (otherwise it is a plain file path). */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}

/**
 * Turns a glob into an anchored regular expression over `/`-separated relative paths.
 *
 * @example
 * globToRegExp("chains/*.yaml").test("chains/orders.yaml") // true
 * globToRegExp("**\/*.{yml,yaml}").test("a/b/c.yml") // true
 */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) {
      re += "|";
    } else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end === -1) {
        re += "\\[";
      } else {
        const body = glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else {
      re += c.replace(/[.+^$()|\\\]}]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`);
}

/**
 * The files matching `pattern` (relative to `cwd`, or absolute), as absolute paths in sorted
 * order. Folders starting with `.` and `node_modules` are not walked unless the pattern names them.
 *
 * @example
 * await globFiles("chains/*.yaml", "/etc/mockforge") // ["/etc/mockforge/chains/orders.yaml", …]
 */
export async function globFiles(pattern: string, cwd: string): Promise<string[]> {
  const absolute = path.resolve(cwd, pattern).split(path.sep).join("/");
  const parts = absolute.split("/");
  const firstMagic = parts.findIndex(hasGlobMagic);
  if (firstMagic === -1) return [path.resolve(absolute)];
  const root = parts.slice(0, firstMagic).join("/") || "/";
  const rest = parts.slice(firstMagic).join("/");
  const matcher = globToRegExp(rest);
  const allowHidden = /(^|\/)\./.test(rest) || rest.includes("node_modules");
  const found: string[] = [];

  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // a missing or unreadable folder simply matches nothing
    }
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!allowHidden && (e.name.startsWith(".") || e.name === "node_modules")) continue;
        await walk(full, relPath, depth + 1);
      } else if (e.isFile() && matcher.test(relPath)) {
        found.push(full);
      }
    }
  };
  await walk(root, "", 0);
  return found.sort();
}

import type { ConfigWarning } from "./config-error.js";
import type { SourceDocument } from "./source-document.js";

type Path = (string | number)[];

/**
 * A header named `__proto__` cannot be sent (an object key of that name is the prototype in
 * JavaScript, and the schema drops it rather than let it become one): the file wrote it, so the
 * user is told at load instead of the header vanishing without a word.
 */
export function protoHeaderWarnings(data: unknown, file: string, doc: SourceDocument | null): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const walk = (v: unknown, path: Path): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
    if (typeof v !== "object" || v === null) return;
    for (const k of Object.keys(v)) {
      const at = [...path, k];
      if (k === "__proto__" && path[path.length - 1] === "headers") {
        const pos = doc?.locate(at, "key");
        out.push({
          file,
          ...(pos ? { line: pos.line, column: pos.column } : {}),
          path: formatPath(at),
          message: "a header named '__proto__' is ignored: it cannot be sent (rename it)",
        });
        continue;
      }
      walk((v as Record<string, unknown>)[k], at);
    }
  };
  walk(data, []);
  return out;
}

function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/**
 * A parsed YAML/JSON config text that remembers where everything was written, so any problem
 * found later (schema, semantics, templates) can be reported at `file:line:column`.
 */
import { createRequire } from "node:module";
import type { Document, Node } from "yaml";
import type { ConfigPath } from "./config-path.js";
import { ConfigError } from "./config-error.js";
import { fastYaml } from "./fast-yaml.js";
import { quickLocate } from "./quick-locate.js";

const require = createRequire(import.meta.url);
/** yaml, loaded only when the fast reader leaves a text to it or a problem must be located. */
const yaml = () => require("yaml") as typeof import("yaml");

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface SourceDocument {
  /** The document as plain data (`null` for an empty document). */
  data: unknown;
  /** The file's YAML parser warnings, as `file:line:col` ready messages. */
  warnings: { message: string; line: number; column: number }[];
  /**
   * Where `path` (keys as written) was written. `at: "key"` points at the key itself (for
   * unknown keys), `"value"` at its value. Missing parts fall back to the nearest ancestor.
   */
  locate(path: ConfigPath, at?: "key" | "value"): SourcePosition;
  /** Position of a character offset inside a one-line scalar, when it can be known exactly. */
  locateInScalar(path: ConfigPath, offset: number): SourcePosition | null;
}

/**
 * Parses YAML (JSON is YAML) with positions. YAML 1.2 core schema, `<<` merge keys allowed,
 * duplicate keys and multiple documents refused. The data is read by the fast parser where it
 * can be; positions (and every parse error) come from `yaml`, whose document is built on the
 * first `locate`, that is only when something is wrong.
 *
 * @throws ConfigError MFG_ERR_CONFIG_PARSE at the syntax error's line and column
 * @example
 * const src = parseSource("http:\n  port: 3001\n", "config.yaml");
 * src.locate(["http", "port"]) // { line: 2, column: 9 }
 */
export function parseSource(text: string, file: string): SourceDocument {
  const fast = fastYaml(text);
  if (!fast) return positionedSource(text, file);
  let positioned: SourceDocument | null = null;
  const located = () => (positioned ??= positionedSource(text, file));
  return {
    data: fast.value,
    // What `yaml` warns about (tags, directives) is what sends a text to it instead.
    warnings: [],
    // Placing a plain scalar needs no document: `yaml` is loaded only when the lines cannot say.
    locate: (path, at = "value") => (positioned === null ? quickLocate(text, fast.value, path, at) : null) ?? located().locate(path, at),
    locateInScalar: (path, offset) => located().locateInScalar(path, offset),
  };
}

function positionedSource(text: string, file: string): SourceDocument {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false, merge: true, uniqueKeys: true });
  const pos = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        code: "MFG_ERR_CONFIG_PARSE",
        file,
        ...pos(e.pos[0]),
        path: "",
        message: `not valid YAML/JSON: ${e.message}`,
        hint: parseHint(e.code),
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // yaml refuses documents whose aliases expand too much (the "billion laughs" attack).
    throw new ConfigError([{ code: "MFG_ERR_CONFIG_PARSE", file, line: 1, column: 1, path: "", message: `cannot be read: ${(e as Error).message}`, hint: "use fewer `*alias` references" }]);
  }
  return {
    data,
    warnings: doc.warnings.map((w) => ({ message: w.message, ...pos(w.pos[0]) })),
    locate: (path, at = "value") => pos(findOffset(doc, path, at)),
    locateInScalar(path, offset) {
      const node = nodeAt(doc, path);
      if (!yaml().isScalar(node) || !node.range || typeof node.value !== "string") return null;
      const source = text.slice(node.range[0], node.range[1]);
      const value = node.value;
      if (value.includes("\n")) return null;
      if (node.type === "PLAIN" && source === value) return pos(node.range[0] + offset);
      const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
      if (quoted && source.slice(1, -1) === value) return pos(node.range[0] + 1 + offset);
      return null;
    },
  };
}

function parseHint(code: string): string {
  switch (code) {
    case "MULTIPLE_DOCS":
      return "a config file holds one document: remove the extra `---`";
    case "DUPLICATE_KEY":
      return "each key may appear once per mapping: remove or rename one of them";
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    default:
      return "check the indentation, quotes and brackets around this position";
  }
}

/** Follows `path` through maps (by key, including `<<` merges), sequences and aliases. */
function step(doc: Document, node: unknown, seg: string | number): { key: Node | null; value: unknown } | null {
  const target = yaml().isAlias(node) ? node.resolve(doc) : node;
  if (yaml().isSeq(target) && typeof seg === "number") return seg < target.items.length ? { key: null, value: target.items[seg] } : null;
  if (!yaml().isMap(target)) return null;
  for (const pair of target.items) {
    if (!yaml().isPair(pair)) continue;
    const k = yaml().isScalar(pair.key) ? pair.key.value : pair.key;
    if (String(k) === String(seg)) return { key: pair.key as Node, value: pair.value };
  }
  for (const pair of target.items) {
    // yaml represents the merge key `<<` by a symbol.
    const k = yaml().isScalar(pair.key) ? pair.key.value : null;
    if (k === "<<" || typeof k === "symbol") {
      const merged = step(doc, pair.value, seg);
      if (merged) return merged;
    }
  }
  return null;
}

function nodeAt(doc: Document, path: ConfigPath): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    const next = step(doc, node, seg);
    if (!next) return null;
    node = next.value;
  }
  return node;
}

function rangeStart(node: unknown): number | null {
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  return range ? range[0] : null;
}

function findOffset(doc: Document, path: ConfigPath, at: "key" | "value"): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const next = step(doc, node, path[i]);
    if (!next) break;
    const last = i === path.length - 1;
    const keyStart = next.key ? rangeStart(next.key) : null;
    const valueStart = rangeStart(next.value);
    // An empty value (`body:`) has no useful range of its own: point at its key.
    const emptyValue = yaml().isScalar(next.value) && next.value.value === null && next.value.source === "";
    if (last && at === "key" && keyStart !== null) offset = keyStart;
    else offset = (!emptyValue ? valueStart : null) ?? keyStart ?? offset;
    node = next.value;
  }
  return offset;
}

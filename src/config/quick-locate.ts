/**
 * Where a plain scalar of a block-style YAML text was written, found by reading its lines,
 * without the `yaml` document parser. Why: placing one warning (the bundled example has one)
 * loaded and ran `yaml` at every start, 45–65 ms of a ~450 ms start (issue 20, start time).
 *
 * Only answers what it can check: the path must lead through block mappings (`key:`) and block
 * sequences (`- `) to a scalar written plainly on its key's or dash's line, and the text found
 * there must be that scalar as the data holds it. Anything else (flow style, quotes, anchors,
 * merge keys, block scalars, a scalar that differs) answers null, and the caller asks `yaml`.
 */
import type { ConfigPath } from "./config-path.js";

interface Line {
  /** Offset of the line's first character in the text. */
  start: number;
  indent: number;
  /** The line without its indentation; "" for a blank or comment-only line. */
  body: string;
}

const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PLAIN = /^[^\s#'"&*!|>%@`{[\],?-][^#]*$|^-[^\s#][^#]*$/;

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const raw of text.split("\n")) {
    const indent = raw.length - raw.trimStart().length;
    const rest = raw.slice(indent).replace(/\r$/, "");
    out.push({ start, indent, body: rest.startsWith("#") ? "" : rest });
    start += raw.length + 1;
  }
  return out;
}

/** The 1-based line and column of the scalar at `path` (`at` its key or its value), or null. */
export function quickLocate(text: string, data: unknown, path: ConfigPath, at: "key" | "value"): { line: number; column: number } | null {
  if (path.length === 0 || text.includes("\t")) return null;
  const lines = linesOf(text);
  // The node being walked: its first line, the column its content starts at, its last line.
  let first = lines.findIndex((l) => l.body !== "");
  if (first < 0) return null;
  let column = lines[first]!.indent;
  let end = lines.length;
  let value: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const found = typeof seg === "number" ? item(lines, first, column, end, seg) : key(lines, first, column, end, seg);
    if (!found || value === null || typeof value !== "object") return null;
    value = (value as Record<string, unknown>)[seg];
    const last = i === path.length - 1;
    if (last && at === "key") return typeof seg === "string" ? position(lines, found.line, found.keyColumn) : null;
    const rest = lines[found.line]!.body.slice(found.valueColumn - lines[found.line]!.indent);
    if (last) return rest !== "" && scalarText(value) === rest.trimEnd() ? position(lines, found.line, found.valueColumn) : null;
    // A child on the same line (`- key: v`) continues there; one on the next lines is indented.
    if (rest !== "" && !(typeof path[i + 1] === "string" && /^[^\s:]+:( |$)/.test(rest))) return null;
    end = found.end;
    if (rest !== "") {
      first = found.line;
      column = found.valueColumn;
    } else {
      first = lines.findIndex((l, j) => j > found.line && j < end && l.body !== "");
      if (first < 0) return null;
      column = lines[first]!.indent;
    }
  }
  return null;
}

interface Found {
  line: number;
  keyColumn: number;
  valueColumn: number;
  /** The first line after the entry's lines. */
  end: number;
}

/** The entry `name:` of the block mapping whose keys start at `column`, from line `first`. */
function key(lines: Line[], first: number, column: number, end: number, name: string): Found | null {
  if (!SAFE_KEY.test(name)) return null;
  for (let j = first; j < end; j++) {
    const at = j === first ? column : lines[j]!.indent;
    const l = lines[j]!;
    if (l.body === "" || (j !== first && l.indent > column)) continue;
    if (j !== first && l.indent < column) return null;
    const body = l.body.slice(at - l.indent);
    if (!body.startsWith(`${name}:`) || !/^( |$)/.test(body.slice(name.length + 1))) continue;
    const after = body.slice(name.length + 1);
    const valueColumn = at + name.length + 1 + (after.length - after.trimStart().length);
    return { line: j, keyColumn: at, valueColumn, end: blockEnd(lines, j, column, end) };
  }
  return null;
}

/** Item `index` of the block sequence whose dashes sit at `column`, from line `first`. */
function item(lines: Line[], first: number, column: number, end: number, index: number): Found | null {
  let seen = -1;
  for (let j = first; j < end; j++) {
    const l = lines[j]!;
    if (l.body === "" || l.indent > column) continue;
    if (l.indent < column || !/^-( |$)/.test(l.body)) return null;
    if (++seen < index) continue;
    const after = l.body.slice(1);
    return { line: j, keyColumn: column, valueColumn: column + 1 + (after.length - after.trimStart().length), end: blockEnd(lines, j, column, end) };
  }
  return null;
}

/** The first line after line `j` that is not part of the entry begun there (indented deeper). */
function blockEnd(lines: Line[], j: number, column: number, end: number): number {
  for (let k = j + 1; k < end; k++) {
    const l = lines[k]!;
    if (l.body === "" || l.indent > column) continue;
    // A key's sequence may sit at the key's own indent (`routes:` then `- path: …`).
    const sequenceOfKey = l.indent === column && l.body.startsWith("-") && !lines[j]!.body.startsWith("-");
    if (!sequenceOfKey) return k;
  }
  return end;
}

/** How a plain scalar holding `v` is written, or null when it would not be written plainly. */
function scalarText(v: unknown): string | null {
  const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null;
  return s !== null && PLAIN.test(s) && s === s.trim() ? s : null;
}

function position(lines: Line[], line: number, column: number): { line: number; column: number } {
  return { line: line + 1, column: column + 1 };
}

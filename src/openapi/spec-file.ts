/**
 * One file of a spec: its text, its data, and where a JSON pointer was written (line), found
 * lazily by a second, position-keeping YAML parse only when a problem needs a line: a big JSON
 * spec is read with `JSON.parse`, which is an order of magnitude faster than a YAML parse.
 */
import { readFile, stat } from "node:fs/promises";
import { LineCounter, isMap, isSeq, parseDocument, type Node } from "yaml";
import { pointerTokens, type SpecProblem } from "./spec-problem.js";

/** Specs above this are refused before they are read: a mock server is not a document store. */
export const MAX_SPEC_BYTES = 32 * 1024 * 1024;

export interface SpecFile {
  /** Absolute path. */
  path: string;
  /** As shown in messages (as the user named it, or relative to the root spec's folder). */
  shown: string;
  data: unknown;
  /** 1-based line where the value at `pointer` is written (nearest existing ancestor), if known. */
  lineOf(pointer: string): number | undefined;
}

/**
 * Reads and parses a spec file.
 *
 * @throws a SpecProblem (MFG_ERR_OPENAPI_NOT_FOUND, _TOO_LARGE, _PARSE)
 */
export async function readSpecFile(path: string, shown: string): Promise<SpecFile> {
  let text: string;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw problem("MFG_ERR_OPENAPI_NOT_FOUND", shown, `${shown} is a folder`, "name the spec file inside it");
    if (st.size > MAX_SPEC_BYTES) {
      throw problem("MFG_ERR_OPENAPI_TOO_LARGE", shown, `${shown} is ${(st.size / 1048576).toFixed(1)} MiB; specs are limited to ${MAX_SPEC_BYTES / 1048576} MiB`, "split it into files joined by $ref, or serve the operations you need");
    }
    text = (await readFile(path, "utf8")).replace(/^\uFEFF/, "");
  } catch (e) {
    if (isProblem(e)) throw e;
    const code = (e as { code?: string }).code;
    throw problem("MFG_ERR_OPENAPI_NOT_FOUND", shown, `${shown} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`}`, "check the path; relative paths are relative to the config file (or the current directory for --openapi)");
  }
  return parseSpecText(text, path, shown);
}

/** Parses spec text (JSON fast path, else YAML) into a SpecFile. */
export function parseSpecText(text: string, path: string, shown: string): SpecFile {
  let data: unknown;
  let lines: ((pointer: string) => number | undefined) | null = null;
  const positions = () => (lines ??= positionIndex(text));
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (data === undefined) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = lineCounter.linePos(e.pos[0]);
      throw { ...problem("MFG_ERR_OPENAPI_PARSE", shown, `not valid YAML/JSON: ${e.message.split("\n")[0]}`), line: pos.line } satisfies SpecProblem;
    }
    data = doc.toJS({ maxAliasCount: 10_000 });
    lines = indexFromDocument(doc.contents as Node | null, lineCounter);
  }
  return { path, shown, data, lineOf: (p) => positions()(p) };
}

function positionIndex(text: string): (pointer: string) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  return indexFromDocument(doc.contents as Node | null, lineCounter);
}

function indexFromDocument(root: Node | null, lc: LineCounter): (pointer: string) => number | undefined {
  return (pointer) => {
    let node: unknown = root;
    let line: number | undefined = node && (node as Node).range ? lc.linePos((node as Node).range![0]).line : undefined;
    for (const token of pointerTokens(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === token);
        if (!pair) break;
        const keyRange = (pair.key as Node | null)?.range;
        if (keyRange) line = lc.linePos(keyRange[0]).line;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(token)] as Node | undefined;
        if (!item) break;
        if (item.range) line = lc.linePos(item.range[0]).line;
        node = item;
      } else break;
    }
    return line;
  };
}

function problem(code: SpecProblem["code"], file: string, message: string, hint?: string): SpecProblem {
  return { code, file, pointer: "", message, ...(hint ? { hint } : {}) };
}

export function isProblem(e: unknown): e is SpecProblem {
  return typeof e === "object" && e !== null && "code" in e && "pointer" in e && "file" in e && !(e instanceof Error);
}

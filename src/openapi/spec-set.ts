/**
 * A spec and every local file it references, with `$ref` resolution across them. Files are
 * read up front (so resolving is synchronous afterwards); a reference that does not resolve is
 * reported where it is written (file, pointer, line), not where it points.
 */
import { dirname, relative, resolve } from "node:path";
import { valueAt } from "../core/value-at.js";
import { readSpecFile, isProblem, type SpecFile } from "./spec-file.js";
import { childPointer, pointerTokens, type SpecProblem } from "./spec-problem.js";

/** A value inside a spec file, with where it sits. */
export interface Located {
  file: SpecFile;
  pointer: string;
  value: unknown;
}

export interface SpecSet {
  root: SpecFile;
  /** By absolute path. */
  files: Map<string, SpecFile>;
  /** Follows Reference Objects (`{$ref}`) until a value that is not one. @throws SpecProblem */
  deref(loc: Located): Located;
  /** Resolves one `$ref` string written in `from`. @throws SpecProblem */
  resolveRef(ref: string, from: Located): Located;
  /** The value at `pointer` under `loc` (no reference followed), or undefined. */
  child(loc: Located, ...tokens: (string | number)[]): Located;
  /** A problem located at `loc`. */
  problem(loc: Located, code: SpecProblem["code"], message: string, hint?: string): SpecProblem;
}

/**
 * Reads `path` and every file its `$ref`s name, recursively.
 *
 * @throws SpecProblem when the root file cannot be read or parsed
 */
export async function loadSpecSet(path: string, shown: string): Promise<SpecSet> {
  const root = await readSpecFile(path, shown);
  const files = new Map<string, SpecFile>([[path, root]]);
  const unreadable = new Map<string, SpecProblem>();
  const queue: SpecFile[] = [root];
  const baseDir = dirname(path);
  while (queue.length > 0) {
    const f = queue.shift()!;
    for (const ref of externalRefs(f.data)) {
      const target = resolve(dirname(f.path), ref);
      if (files.has(target) || unreadable.has(target)) continue;
      try {
        const g = await readSpecFile(target, relative(baseDir, target) || target);
        files.set(target, g);
        queue.push(g);
      } catch (e) {
        if (!isProblem(e)) throw e;
        unreadable.set(target, e);
      }
    }
  }
  return makeSet(root, files, unreadable);
}

function makeSet(root: SpecFile, files: Map<string, SpecFile>, unreadable: Map<string, SpecProblem>): SpecSet {
  const problem: SpecSet["problem"] = (loc, code, message, hint) => {
    const line = loc.file.lineOf(loc.pointer);
    return { code, message, file: loc.file.shown, pointer: loc.pointer, ...(line ? { line } : {}), ...(hint ? { hint } : {}) };
  };
  const resolveRef: SpecSet["resolveRef"] = (ref, from) => {
    const refLoc = { ...from, pointer: childPointer(from.pointer, "$ref") };
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !ref.startsWith("file:")) {
      throw problem(refLoc, "MFG_ERR_OPENAPI_REF", `$ref '${ref}' points at a URL; only local files are read`, "download the referenced file and point $ref at it");
    }
    const hash = ref.indexOf("#");
    const filePart = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? "" : decodeURIComponent(ref.slice(hash + 1));
    let file = from.file;
    if (filePart) {
      const target = resolve(dirname(from.file.path), filePart.replace(/^file:\/\//, ""));
      const f = files.get(target);
      if (!f) {
        const why = unreadable.get(target);
        throw problem(refLoc, "MFG_ERR_OPENAPI_REF", `$ref '${ref}': ${why ? why.message : `file ${filePart} was not read`}`, "check the file name; paths are relative to the file holding the $ref");
      }
      file = f;
    }
    // A parsed YAML or JSON document holds no undefined, so undefined here is "nothing there".
    const value = valueAt(file.data, pointerTokens(fragment));
    if (value === undefined) {
      throw problem(refLoc, "MFG_ERR_OPENAPI_REF", `$ref '${ref}' points at nothing: ${fragment || "/"} does not exist in ${file.shown}`, nearHint(file, fragment));
    }
    return { file, pointer: fragment, value };
  };
  const deref: SpecSet["deref"] = (loc) => {
    let cur = loc;
    const seen = new Set<string>();
    while (cur.value && typeof cur.value === "object" && typeof (cur.value as { $ref?: unknown }).$ref === "string") {
      const key = `${cur.file.path}#${cur.pointer}`;
      if (seen.has(key)) throw problem(loc, "MFG_ERR_OPENAPI_REF", `$ref chain loops back to ${cur.pointer} without reaching a value`, "one of these $refs must point at the object itself");
      seen.add(key);
      cur = resolveRef((cur.value as { $ref: string }).$ref, cur);
    }
    return cur;
  };
  const child: SpecSet["child"] = (loc, ...tokens) => {
    let v = loc.value;
    let pointer = loc.pointer;
    for (const t of tokens) {
      pointer = childPointer(pointer, t);
      v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[String(t)] : undefined;
    }
    return { file: loc.file, pointer, value: v };
  };
  return { root, files, deref, resolveRef, child, problem };
}

function nearHint(file: SpecFile, fragment: string): string {
  const tokens = pointerTokens(fragment);
  let v: unknown = file.data;
  for (const t of tokens.slice(0, -1)) {
    if (v === null || typeof v !== "object") return "check the JSON pointer after #";
    v = (v as Record<string, unknown>)[t];
  }
  if (v && typeof v === "object") {
    const keys = Object.keys(v).slice(0, 10);
    if (keys.length > 0) return `known names there: ${keys.join(", ")}`;
  }
  return "check the JSON pointer after #";
}

/** File parts of every `$ref` in `data` that names another file. */
function externalRefs(data: unknown): Set<string> {
  const out = new Set<string>();
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && !x.startsWith("#") && !/^[a-z][a-z0-9+.-]*:/i.test(x)) {
          const part = x.split("#")[0]!;
          if (part) out.add(part);
        } else if (x && typeof x === "object") stack.push(x);
      }
    }
  }
  return out;
}

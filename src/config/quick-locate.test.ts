import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import type { ConfigPath } from "./config-path.js";
import { quickLocate } from "./quick-locate.js";
import { parseSource } from "./source-document.js";

/** Every path to a scalar (and every key) in `data`. */
function paths(data: unknown, base: ConfigPath = []): ConfigPath[] {
  if (data === null || typeof data !== "object") return [base];
  const out: ConfigPath[] = base.length > 0 ? [base] : [];
  const entries = Array.isArray(data) ? data.map((v, i) => [i, v] as const) : Object.entries(data);
  for (const [k, v] of entries) out.push(...paths(v, [...base, k]));
  return out;
}

/** yaml's answer, read the way source-document.ts reads it (the reference). */
function reference(text: string, path: ConfigPath, at: "key" | "value"): { line: number; column: number } {
  // A fresh parseSource whose text the fast reader refuses (a directive) always asks yaml.
  return parseSource(`%YAML 1.2\n---\n${text}`, "x.yaml").locate(path, at);
}

const EXAMPLES = ["examples/mockforge.yaml", "examples/scenarios.yaml", "examples/receiver/mockforge.yaml", "examples/chains/payment.yaml"];
const CRAFTED = [
  "routes:\n- path: /a\n  method: GET\n- path: /b # a comment\n  response:\n    status: 201\n",
  "http:\n  port: 3000\n\n# a comment\nroutes:\n  - path: /x\n    response: { status: 200 }\n  - path: '/quoted'\n    response:\n      body:\n        a: &anchor 1\n        b: *anchor\n",
  "base: &b\n  status: 200\nroutes:\n  - path: /m\n    response:\n      <<: *b\n      body: |\n        line one\n        line two\n",
  "a:\n  - - 1\n    - 2\n  - x: y\n    z: \"w\"\n",
];

describe("quickLocate", () => {
  // Each answer must be yaml's: a wrong position is worse than a slow one.
  it.each([...EXAMPLES.map((f) => readFileSync(join(import.meta.dirname, "..", "..", f), "utf8")), ...CRAFTED])("answers as yaml does, or not at all (#%#)", (text) => {
    const data = parseDocument(text, { merge: true }).toJS() as unknown;
    let answered = 0;
    for (const path of paths(data)) {
      for (const at of ["key", "value"] as const) {
        const quick = quickLocate(text, data, path, at);
        if (quick === null) continue;
        answered++;
        const ref = reference(text, path, at);
        expect({ path, at, ...quick }).toEqual({ path, at, line: ref.line - 2, column: ref.column });
      }
    }
    expect(answered).toBeGreaterThan(0);
  });

  it("places the bundled example's route paths (its one warning) without yaml", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "..", "examples", "mockforge.yaml"), "utf8");
    const data = parseDocument(text).toJS() as { routes: unknown[] };
    for (let i = 0; i < data.routes.length; i++) expect(quickLocate(text, data, ["routes", i, "path"], "value")).not.toBeNull();
  });

  it("leaves to yaml what it cannot check: quoted, flow, aliased, merged, block and commented scalars", () => {
    const at = (text: string, path: ConfigPath) => quickLocate(text, parseDocument(text, { merge: true }).toJS() as unknown, path, "value");
    expect(at(CRAFTED[1]!, ["routes", 1, "path"])).toBeNull(); // quoted
    expect(at(CRAFTED[1]!, ["routes", 0, "response", "status"])).toBeNull(); // in a flow mapping
    expect(at(CRAFTED[1]!, ["routes", 1, "response", "body", "b"])).toBeNull(); // an alias
    expect(at(CRAFTED[1]!, ["routes", 1, "response", "body", "a"])).toBeNull(); // behind an anchor
    expect(at(CRAFTED[2]!, ["routes", 0, "response", "status"])).toBeNull(); // merged
    expect(at(CRAFTED[2]!, ["routes", 0, "response", "body"])).toBeNull(); // a block scalar
    expect(at(CRAFTED[0]!, ["routes", 1, "path"])).toBeNull(); // followed by a comment
    expect(at(CRAFTED[0]!, ["routes", 0, "path"])).toEqual({ line: 2, column: 9 });
  });
});

import { describe, expect, it } from "vitest";
import type { ChainConfig, ChainLinkConfig } from "../config/schema/chains.js";
import { isMockForgeError } from "../core/errors.js";
import { prepareChain, validateChain } from "./validate-chain.js";
import { loadScriptSyntaxChecker } from "../scripting/index.js";

// These checks run synchronously here, with no entry point that loads QuickJS first.
await loadScriptSyntaxChecker();

function link(id: string, more: Partial<ChainLinkConfig> = {}, request: Partial<ChainLinkConfig["request"]> = {}): ChainLinkConfig {
  return { ...more, request: { id, method: "POST", url: `http://127.0.0.1:1/${id}`, ...request } };
}

function chain(links: ChainLinkConfig[], more: Partial<ChainConfig> = {}): ChainConfig {
  return { id: "orders", links, ...more };
}

function thrown(c: ChainConfig): { code: string; message: string; details: Record<string, unknown> } {
  try {
    prepareChain(c);
  } catch (e) {
    if (isMockForgeError(e)) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  throw new Error("expected prepareChain to throw");
}

describe("validateChain: refused chains", () => {
  it("names a cycle with its links", () => {
    const e = thrown(chain([link("a", { depends_on: ["b"] }), link("b", { depends_on: ["a"] })]));
    expect(e.code).toBe("MFG_ERR_CHAIN_CYCLE");
    expect(e.message).toContain("Chain 'orders' is invalid");
    expect(e.message).toContain("a → b → a");
    expect(e.message).toContain("links[0] a, links[1] b");
  });

  it("finds cycles made of inferred dependencies and says so", () => {
    const e = thrown(chain([link("a", {}, { body: { x: "{{chain.b.id}}" } }), link("b", { depends_on: ["a"] })]));
    expect(e.code).toBe("MFG_ERR_CHAIN_CYCLE");
    expect(e.message).toContain("a → b → a");
    expect(e.message).toContain("inferred from {{chain.<name>}} references");
  });

  it("refuses a self-dependency, on the link or inside request", () => {
    expect(thrown(chain([link("a", { depends_on: ["a"] })])).message).toContain("link 'a' depends on itself");
    expect(thrown(chain([link("a", {}, { depends_on: "a" })])).message).toContain("link 'a' depends on itself");
  });

  it("refuses an unknown dependency and lists the known ids", () => {
    const e = thrown(chain([link("create_order"), link("notify", { depends_on: ["pay"] })]));
    expect(e.code).toBe("MFG_ERR_CHAIN_INVALID");
    expect(e.message).toContain("links[1].depends_on[0]: link 'notify' depends on 'pay', which is not in the chain. Known ids: create_order, notify");
  });

  it("points at the link when a dependency names a store_as instead of an id", () => {
    const e = thrown(chain([link("create_order", { store_as: "order" }), link("notify", { depends_on: ["order"] })]));
    expect(e.message).toContain("'order' is the store_as of 'create_order'");
  });

  it("refuses duplicate ids and ambiguous store_as names", () => {
    expect(thrown(chain([link("a"), link("a")])).message).toContain("link id 'a' is used twice (links[0] and links[1])");
    expect(thrown(chain([link("a"), link("b", { store_as: "a" })])).message).toContain("store_as 'a' of link 'b' is already the name of link 'a'");
  });

  it("refuses a condition with a syntax error, positioned by path", () => {
    const e = thrown(chain([link("a"), link("b", { condition: "{{chain.a.status}} == == 'x'" })]));
    expect(e.code).toBe("MFG_ERR_CHAIN_INVALID");
    expect(e.message).toContain("links[1].condition: condition");
    expect(e.details.path).toBe("links[1].condition");
    expect((e.details.problems as { offset?: number }[])[0]!.offset).toBe(22);
    expect(e.message).toContain('{{chain.a.status}} == == ');
  });

  it("refuses broken templates, bad extract paths, empty chains and too many links", () => {
    expect(thrown(chain([link("a", {}, { url: "http://x/{{chain.a.id" })])).message).toContain("links[0].request.url");
    expect(thrown(chain([link("a", { extract: { id: "id" } })])).message).toContain("links[0].extract.id: extract path 'id' must start with body");
    expect(thrown(chain([])).message).toContain("the chain has no links");
    expect(thrown(chain([link("a"), link("b")], { config: { max_links: 1 } })).message).toContain("more than config.max_links (1)");
    expect(thrown({ links: [link("a")] }).message).toContain("the chain has no id");
  });

  it("collects every problem, not just the first", () => {
    const e = thrown(chain([link("a", { depends_on: ["a"] }), link("b", { depends_on: ["zzz"], condition: "((" })]));
    expect(e.message).toContain("(3 problems)");
    expect((e.details.problems as unknown[]).length).toBe(3);
  });

  it("syntax-checks scripts when a checker is given", () => {
    const v = validateChain(chain([link("a", { scripting: { post_script: "let = ;", continue_on_script_error: false } })]), {
      checkScript: (code) => (code.includes("let =") ? "line 1: unexpected token '='" : null),
    });
    expect(v.errors).toEqual([
      {
        code: "MFG_ERR_CHAIN_INVALID",
        path: "links[0].scripting.post_script",
        segments: ["links", 0, "scripting", "post_script"],
        message: "post_script of link 'a' does not parse: line 1: unexpected token '='",
      },
    ]);
  });
});

describe("validateChain: dependencies and warnings", () => {
  it("merges declared dependencies with those inferred from chain references", () => {
    const p = prepareChain(
      chain([
        link("create_order", { store_as: "order", extract: { order_id: "body.id" } }),
        link("pay", {}, { body: { order: "{{chain.order.order_id}}" } }),
        link("notify", { depends_on: ["create_order"], condition: "{{chain.pay.status}} == 201" }),
        link("audit", {}, { headers: { "x-order": "{{chain.order_id}}" } }),
      ]),
    );
    const deps = Object.fromEntries(p.links.map((l) => [l.id, l.dependsOn]));
    expect(deps).toEqual({ create_order: [], pay: ["create_order"], notify: ["create_order", "pay"], audit: ["create_order"] });
    expect(p.links[2]!.inferredDependsOn).toEqual(["pay"]);
    expect(p.warnings).toEqual([]);
  });

  it("warns about an unknown chain name, listing the known ones, and still prepares the chain", () => {
    const p = prepareChain(
      chain([
        link("create_order", { store_as: "order", extract: { order_id: "body.id" } }),
        link("email", { depends_on: ["create_order"] }, { body: { to: "{{chain.customer.email}}" } }),
      ]),
    );
    expect(p.warnings).toEqual([
      "link 'email' reads chain.customer, but no link stores or extracts 'customer' (it renders empty). Known names: create_order, email, order, order_id",
    ]);
  });

  it("marks links that read request.* to wait for the first link's request, unless that would deadlock", () => {
    const p = prepareChain(
      chain([
        link("first", { depends_on: ["setup"] }),
        link("reader", {}, { body: { c: "{{request.body.customer_id}}" } }),
        link("setup", {}, { body: { c: "{{request.body.customer_id}}" } }),
      ]),
    );
    expect(p.links.map((l) => l.waitsForFirstRequest)).toEqual([false, true, false]);
  });

  it("fills in defaults: name from id, concurrency up to the link count, timeout none, scripts flag", () => {
    const p = prepareChain(chain([link("a"), link("b", { scripting: { pre_script: "1", continue_on_script_error: false } })]));
    expect(p.name).toBe("orders");
    expect(p.maxConcurrency).toBe(2);
    expect(p.timeoutMs).toBeNull();
    expect(p.hasScripts).toBe(true);
    expect(prepareChain({ links: [link("a")] }, { defaultId: "from_file" }).id).toBe("from_file");
  });
});

describe("validateChain: scripts with the sandbox's parser", () => {
  it("accepts the seed's post_script and refuses one that does not parse, with its line", () => {
    const ok = validateChain(chain([link("a", { scripting: { post_script: 'const r = await mockforge.http.post("http://x", {});\nconsole.log(r.status);', continue_on_script_error: false } })]));
    expect(ok.errors).toEqual([]);
    const bad = validateChain(chain([link("a", { scripting: { pre_script: "const a = 1;\nconst b = ;", continue_on_script_error: false } })]));
    expect(bad.errors[0]!.message).toMatch(/^pre_script of link 'a' does not parse: line 2, column \d+: SyntaxError/);
  });
});

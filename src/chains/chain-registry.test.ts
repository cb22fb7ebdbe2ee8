import { describe, expect, it } from "vitest";
import type { ChainConfig } from "../config/schema/chains.js";
import { createChainRegistry } from "./chain-registry.js";
import { prepareChain } from "./validate-chain.js";

const chain = (id: string, url = "http://x/a"): ChainConfig => ({ id, links: [{ request: { id: "a", method: "GET", url } }] });

describe("chain registry", () => {
  it("adds, lists, gets, replaces and removes chains", () => {
    const r = createChainRegistry();
    r.add(chain("one"));
    r.add(prepareChain(chain("two")));
    expect(r.list().map((c) => c.id)).toEqual(["one", "two"]);
    expect(r.get("one").links[0]!.id).toBe("a");
    expect(r.put(chain("one", "http://x/b")).replaced).toBe(true);
    expect(r.get("one").config.links[0]!.request.url).toBe("http://x/b");
    expect(r.put(chain("three")).replaced).toBe(false);
    expect(r.remove("two")).toBe(true);
    expect(r.remove("two")).toBe(false);
    expect(r.has("two")).toBe(false);
    expect(r.find("two")).toBeUndefined();
    r.clear();
    expect(r.list()).toEqual([]);
  });

  it("refuses a duplicate id unless replacing", () => {
    const r = createChainRegistry();
    r.add(chain("one"));
    expect(() => r.add(chain("one"))).toThrow(expect.objectContaining({ code: "MFG_ERR_CHAIN_DUPLICATE", status: 409 }));
    expect(r.add(chain("one", "http://x/c"), { replace: true }).config.links[0]!.request.url).toBe("http://x/c");
  });

  it("validates what is added and keeps the registry unchanged when invalid", () => {
    const r = createChainRegistry();
    expect(() => r.add({ id: "bad", links: [] })).toThrow(expect.objectContaining({ code: "MFG_ERR_CHAIN_INVALID" }));
    expect(r.has("bad")).toBe(false);
  });

  it("reports an unknown chain id with the known ids in the hint", () => {
    const r = createChainRegistry();
    expect(() => r.get("x")).toThrow(expect.objectContaining({ code: "MFG_ERR_CHAIN_NOT_FOUND", details: expect.objectContaining({ hint: expect.stringContaining("No chains are loaded") }) }));
    r.add(chain("orders"));
    r.add(chain("payments"));
    expect(() => r.get("order")).toThrow(expect.objectContaining({ message: "Chain 'order' is not loaded", details: expect.objectContaining({ hint: "Known chains: orders, payments" }) }));
  });
});

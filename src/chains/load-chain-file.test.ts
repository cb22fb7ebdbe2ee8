import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config/index.js";
import { chainIdFromFile, loadChainFile, parseChainText, parseChainValue } from "./load-chain-file.js";
import { loadChains } from "./load-chains.js";
import { loadScriptSyntaxChecker } from "../scripting/index.js";
import { configError } from "../config/test-support/config-error-of.js";

// These checks run synchronously here, with no entry point that loads QuickJS first.
await loadScriptSyntaxChecker();

/** The seed document's examples, kept in the repo as fixtures. */
const SEED = path.join(import.meta.dirname, "..", "..", "test", "fixtures", "seed");
const seed = (prefix: string) => {
  const file = readdirSync(SEED).find((f) => f.startsWith(prefix))!;
  return { file, text: readFileSync(path.join(SEED, file), "utf8") };
};

describe("parseChainText on the seed's chains, as written", () => {
  it.each([
    ["03", "order_processing_chain", ["create_order", "notify_webhook"]],
    ["04", "payment_processing_with_webhooks", ["process_payment", "payment_success_webhook", "inventory_update_webhook", "email_webhook"]],
    ["07", "ecommerce_order_webhooks", ["create_order", "order_confirmation_webhook", "inventory_webhook", "email_webhook"]],
    ["08", "payment_with_callbacks", ["initiate_payment", "payment_gateway_callback"]],
    ["09", "event_driven_webhooks", ["publish_event", "analytics_webhook", "notification_webhook", "email_webhook"]],
  ])("loads seed %s", (prefix, id, links) => {
    const { file, text } = seed(prefix);
    const { chain } = parseChainText(text, file);
    expect(chain.id).toBe(id);
    expect(chain.links.map((l) => l.id)).toEqual(links);
  });

  it("maps the seed's camelCase (storeAs, dependsOn) and keeps retry and condition", () => {
    const { chain } = parseChainText(seed("08").text, "08.yaml");
    expect(chain.links[0]!.name).toBe("payment");
    expect(chain.links[1]!.dependsOn).toEqual(["initiate_payment"]);
    expect(chain.links[1]!.config.request.retry).toEqual({ max_attempts: 3, delay_seconds: 5, exponential_backoff: true });
    expect(chain.links[1]!.condition).not.toBeNull();
  });

  it("warns, located in the file, about Example 1's chain.customer which no link provides", () => {
    const { file, text } = seed("07");
    const { warnings } = parseChainText(text, file);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^07-example-1-e-commerce-order-webhook\.yaml:\d+:\d+ links: chain 'ecommerce_order_webhooks': link 'email_webhook' reads chain\.customer/);
    expect(warnings[0]).toContain("Known names: create_order, email_webhook, inventory_webhook, order, order_confirmation_webhook, order_id, status");
  });

  it("loads the seed's chain with a script (a fragment without id: the id comes from the file name)", () => {
    const { chain } = parseChainText(seed("05").text, "chains/order-script.yaml");
    expect(chain.id).toBe("order-script");
    expect(chain.name).toBe("order-script");
    expect(chain.hasScripts).toBe(true);
  });
});

describe("chain documents with problems", () => {
  it("reports an unknown key at file:line:col with a suggestion", () => {
    const text = "id: c\nlinks:\n  - request:\n      id: a\n      urll: http://x\n";
    const e = configError(() => parseChainText(text, "c.yaml"));
    const unknown = e.problems.find((p) => p.code === "MFG_ERR_CONFIG_UNKNOWN_KEY")!;
    expect(unknown).toMatchObject({ file: "c.yaml", line: 5, column: 7, path: "links[0].request.urll" });
    expect(`${unknown.message} ${unknown.hint ?? ""}`).toContain("url");
  });

  it("locates a cycle and an unknown dependency in the file, naming the chain and links", () => {
    const text = [
      "id: loop",
      "links:",
      "  - request: { id: a, method: GET, url: 'http://x/a' }",
      "    dependsOn: [b]",
      "  - request: { id: b, method: GET, url: 'http://x/b' }",
      "    dependsOn: [a, ghost]",
    ].join("\n");
    const e = configError(() => parseChainText(text, "loop.yaml"));
    const lines = e.format();
    expect(lines).toContain("loop.yaml:6:20 links[1].dependsOn[1]: chain 'loop': link 'b' depends on 'ghost', which is not in the chain. Known ids: a, b");
    expect(lines).toContain("chain 'loop': dependency cycle a → b → a (links[0] a, links[1] b)");
    expect(e.problems.map((p) => p.code).sort()).toEqual(["MFG_ERR_CHAIN_CYCLE", "MFG_ERR_CHAIN_INVALID"]);
  });

  it("points a condition's syntax error at its character", () => {
    const text = "id: c\nlinks:\n  - request: { id: a, method: GET, url: 'http://x' }\n    condition: \"{{chain.a.status}} == == 'x'\"\n";
    const e = configError(() => parseChainText(text, "c.yaml"));
    expect(e.problems[0]).toMatchObject({ code: "MFG_ERR_CHAIN_INVALID", line: 4, column: 39, path: "links[0].condition" });
  });

  it("validates chains given as data with the same spellings", () => {
    const { chain } = parseChainValue({ id: "d", links: [{ request: { id: "a", url: "http://x" }, storeAs: "A" }] }, "POST /__mockforge/chains");
    expect(chain.links[0]!.name).toBe("A");
    expect(chain.links[0]!.config.request.method).toBe("GET");
    expect(() => parseChainValue({ links: [{ request: { id: "a", url: "http://x" } }] }, "POST /__mockforge/chains")).toThrow(/chain has no id/);
  });

  it("derives ids from file names", () => {
    expect(chainIdFromFile("/x/chains/payment.yaml")).toBe("payment");
    expect(chainIdFromFile("orders.chain.json")).toBe("orders.chain");
  });
});

describe("loadChainFile and loadChains", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mfg-chains-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, "chains"));
  writeFileSync(path.join(dir, "chains/payment.yaml"), seed("08").text);
  writeFileSync(path.join(dir, "chains/events.yml"), seed("09").text);
  writeFileSync(path.join(dir, "chains/plain.json"), JSON.stringify({ links: [{ request: { id: "ping", url: "http://x" } }] }));

  it("reads a file relative to a folder, and says clearly when it is missing", async () => {
    expect((await loadChainFile("chains/plain.json", { cwd: dir })).chain.id).toBe("plain");
    await expect(loadChainFile("chains/nope.yaml", { cwd: dir })).rejects.toMatchObject({ code: "MFG_ERR_CONFIG_NOT_FOUND", message: "Chain file chains/nope.yaml does not exist" });
  });

  it("resolves inline chains, plain paths and globs against the config folder", async () => {
    const inline = { id: "inline", links: [{ request: { id: "a", method: "GET", url: "http://x" } }] };
    const { chains, warnings } = await loadChains([inline, "chains/*.{yml,json}", "chains/payment.yaml", "empty/*.yaml"], { dir });
    expect(chains.map((c) => c.chain.id)).toEqual(["inline", "event_driven_webhooks", "plain", "payment_with_callbacks"]);
    expect(warnings).toEqual([`<config>: chains[3]: 'empty/*.yaml' matched no chain files in ${dir}`]);
  });

  it("collects every problem: duplicate ids, missing files, invalid inline chains", async () => {
    const bad = { id: "bad", links: [{ request: { id: "a", method: "GET", url: "http://x" }, depends_on: ["a"] }] };
    const e = await loadChains([bad, "chains/payment.yaml", "chains/payment.yaml", "missing.yaml"], { dir }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    const messages = (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "chains[0].links[0].depends_on[0]: chain 'bad': link 'a' depends on itself",
      `chains[2]: chain id 'payment_with_callbacks' is defined twice (chains/payment.yaml and chains/payment.yaml); ids must be unique`,
      "chains[3]: Chain file missing.yaml does not exist",
    ]);
  });
});

/**
 * `mockforge validate` refuses configs that would fail at run time (issue 15 item 14): a signing
 * secret the scheme cannot decode, an `execute_chain` naming no chain, and template or condition
 * names a context does not have, in routes, webhooks, hooks, rules and chains alike; each with
 * file:line:col and a did-you-mean. Run through the real CLI on real files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
}

/** The stderr line about `path`, which must exist. */
function lineAbout(stderr: string, path: string): string {
  const line = stderr.split("\n").find((l) => l.includes(` ${path}: `));
  if (!line) throw new Error(`no problem reported at ${path}:\n${stderr}`);
  return line;
}

const ROUTE = ["routes:", "  - path: /ok", "    response: { status: 200 }"];

describe("validate: signing secrets", () => {
  it("refuses a standard-webhooks secret that is not base64 after whsec_, at the secret, and accepts {{env}} and utf8-key secrets", async () => {
    const p = file("secret.yaml", [
      "webhooks:",
      "  signing:",
      "    scheme: standard-webhooks",
      '    secret: "whsec_not base64!!"',
      "routes:",
      "  - path: /a",
      "    response: { status: 200 }",
      "    webhooks:",
      "      - url: http://127.0.0.1:9/h",
      "        signing: { scheme: svix, secrets: [\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\", \"whsec_%%%\"] }",
      "      - url: http://127.0.0.1:9/h",
      '        signing: { scheme: stripe, secret: "any text works for stripe" }',
      "      - url: http://127.0.0.1:9/h",
      '        signing: { scheme: standard-webhooks, secret: "{{env.HOOK_SECRET}}" }',
    ]);
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(lineAbout(r.stderr, "webhooks.signing.secret")).toMatch(new RegExp(`^${escape(p)}:4:13 .*not usable: it is not base64 after \`whsec_\`.*\\[MFG_ERR_CONFIG_INVALID\\]$`));
    expect(lineAbout(r.stderr, "routes[0].webhooks[0].signing.secrets[1]")).toMatch(/:10:\d+ .*signing secrets\[1\] is not usable/);
    expect(r.stderr).not.toMatch(/webhooks\[1\]|webhooks\[2\]/);
    expect(r.stderr).not.toContain("not base64!!"); // a secret is never printed
  });
  it("checks hook and rule action signing blocks too", async () => {
    const p = file("action-secrets.yaml", [
      ...ROUTE,
      "intelligent_behavior:",
      "  behavior_model:",
      "    consistency_rules:",
      "      - name: r",
      "        condition: \"status == 200\"",
      "        action: { type: webhook, url: \"http://127.0.0.1:9/h\", signing: { scheme: svix, secret: \"whsec_!!\" } }",
      "chaos:",
      "  scenarios:",
      "    - name: s",
      "      steps:",
      "        - name: one",
      "          post_hooks:",
      "            - name: h",
      "              actions: [{ type: http_request, url: \"http://127.0.0.1:9/h\", signing: { scheme: github, event: push } }]",
    ]);
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(lineAbout(r.stderr, "intelligent_behavior.behavior_model.consistency_rules[0].action.signing.secret")).toMatch(/:9:\d+ .*rule 'r': signing secret is not usable/);
    expect(lineAbout(r.stderr, "chaos.scenarios[0].steps[0].post_hooks[0].actions[0].signing")).toMatch(/signing needs `secret` or `secrets`/);
  });
});

describe("validate: execute_chain names a loaded chain", () => {
  it("refuses a rule's and a hook's chain_id that names no chain, with the known ids and the nearest", async () => {
    const p = file("chain-ids.yaml", [
      ...ROUTE,
      "chains:",
      "  - id: order_chain",
      "    links: [{ request: { id: a, method: GET, url: \"{{base_url}}/ok\" } }]",
      "intelligent_behavior:",
      "  behavior_model:",
      "    consistency_rules:",
      "      - name: r1",
      "        condition: \"status == 200\"",
      "        action: { type: execute_chain, chain_id: order_chian }",
      "chaos:",
      "  scenarios:",
      "    - name: s",
      "      steps:",
      "        - name: one",
      "          request: { url: /ok }",
      "          post_hooks:",
      "            - name: h",
      "              actions: [{ type: execute_chain, chain_id: nothing_like_it }]",
    ]);
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    const rule = lineAbout(r.stderr, "intelligent_behavior.behavior_model.consistency_rules[0].action.chain_id");
    expect(rule).toMatch(/:12:50 .*: rule 'r1' runs chain 'order_chian', which is not loaded \(the config loads 'order_chain'\) \(Did you mean 'order_chain'\?\) \[MFG_ERR_CHAIN_NOT_FOUND\]/);
    const hook = lineAbout(r.stderr, "chaos.scenarios[0].steps[0].post_hooks[0].actions[0].chain_id");
    expect(hook).toMatch(/:21:\d+ .*: hook 'h' runs chain 'nothing_like_it'.*Add the chain under `chains:`/);
  });
});

describe("validate: names templates and conditions read", () => {
  it("refuses unknown roots in route responses, webhook urls, bodies and conditions, at the name, with a did-you-mean", async () => {
    const p = file("route-names.yaml", [
      "routes:",
      "  - path: /api/orders",
      "    method: POST",
      "    response:",
      "      body: { id: \"{{reqest.body.x}}\", total: \"{{response.body.total}}\" }",
      "    webhooks:",
      "      - url: \"{{base_ulr}}/hooks\"",
      "        condition: \"respons.body.total > 100\"",
      "        body: { x: \"{{chian.a.status}}\" }",
    ]);
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(lineAbout(r.stderr, "routes[0].response.body.id")).toMatch(/:5:22 .*unknown name 'reqest' \(in 'reqest\.body\.x'\).*Did you mean 'request\.body\.x'\?.*\[MFG_ERR_EXPR_MISSING_NAME\]/);
    // `response` exists, but not while the response itself is being rendered.
    expect(lineAbout(r.stderr, "routes[0].response.body.total")).toMatch(/'response' is not available in a route response/);
    expect(lineAbout(r.stderr, "routes[0].webhooks[0].url")).toMatch(/:7:17 .*Did you mean 'base_url'\?/);
    expect(lineAbout(r.stderr, "routes[0].webhooks[0].condition")).toMatch(/:8:21 .*Did you mean 'response\.body\.total'\?/);
    expect(lineAbout(r.stderr, "routes[0].webhooks[0].body.x")).toMatch(/'chain' is not available in a route webhook/);
  });

  it("refuses them in hooks, step requests and rule actions too (once the routes are fine)", async () => {
    const p = file("domain-names.yaml", [
      ...ROUTE,
      "intelligent_behavior:",
      "  behavior_model:",
      "    consistency_rules:",
      "      - name: r2",
      "        condition: \"status == 200\"",
      "        action: { type: webhook, url: \"{{base_url}}/ok\", body: { a: \"{{reqest.body.x}}\" } }",
      "chaos:",
      "  scenarios:",
      "    - name: s",
      "      steps:",
      "        - name: one",
      "          request: { url: \"/ok?x={{varibles.x}}\" }",
      "          post_hooks:",
      "            - name: h",
      "              condition: \"response_status == 200\"",
      "              actions: [{ type: log, message: \"{{stpes.one.status}}\" }]",
      "            - name: t",
      "              actions: [{ type: trigger_webhook, event: order.created, to: \"{{base_ulr}}/h\" }]",
    ]);
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(lineAbout(r.stderr, "intelligent_behavior.behavior_model.consistency_rules[0].action.body.a")).toMatch(/:9:72 .*: rule 'r2': unknown name 'reqest'.*Did you mean 'request\.body\.x'\?/);
    expect(lineAbout(r.stderr, "chaos.scenarios[0].steps[0].request.url")).toMatch(/:15:\d+ .*Did you mean 'variables\.x'\?/);
    expect(lineAbout(r.stderr, "chaos.scenarios[0].steps[0].post_hooks[0].condition")).toMatch(/unknown name 'response_status'.*read as variables\.<name>/);
    expect(lineAbout(r.stderr, "chaos.scenarios[0].steps[0].post_hooks[0].actions[0].message")).toMatch(/Did you mean 'steps\.one\.status'\?/);
    expect(lineAbout(r.stderr, "chaos.scenarios[0].steps[0].post_hooks[1].actions[0].to")).toMatch(/:21:\d+ .*Did you mean 'base_url'\?/);
  });

  it("refuses them in chain links, inline and in chain files (validate and chain validate)", async () => {
    const links = [
      "links:",
      "  - request:",
      "      id: a",
      "      method: POST",
      "      url: \"{{base_ulr}}/x\"",
      "      body: { s: \"{{chian.a.status}}\" }",
      "    condition: \"{{chian.a.status}} == 1\"",
    ];
    const chainFile = file("c9.yaml", ["id: c9", ...links]);
    const r = await runCli(["chain", "validate", chainFile]);
    expect(r.code).toBe(2);
    expect(lineAbout(r.stderr, "links[0].request.url")).toMatch(/c9\.yaml:6:15 .*Did you mean 'base_url'\?/);
    expect(lineAbout(r.stderr, "links[0].condition")).toMatch(/:8:19 .*Did you mean 'chain\.a\.status'\?/);
    const config = file("with-chain-file.yaml", [...ROUTE, "chains: [c9.yaml]"]);
    const v = await runCli(["validate", config]);
    expect(v.code).toBe(1);
    expect(lineAbout(v.stderr, "links[0].request.body.s")).toMatch(/c9\.yaml:7:21 .*Did you mean 'chain\.a\.status'\?/);
  });

  it("accepts every name each context has (request, response, body in headers, chain, variables, steps, env, built-ins)", async () => {
    const p = file("all-good.yaml", [
      "routes:",
      "  - path: /a/:id",
      "    response: { status: \"{{request.query.s ? 201 : 200}}\", body: { id: \"{{request.params.id}}\", at: \"{{now}}\", u: \"{{base_url}}{{env.HOME}}\" } }",
      "    webhooks:",
      "      - url: \"{{base_url}}/ok\"",
      "        condition: \"response.status == 200 AND request.method == 'GET'\"",
      "        headers: { x-sig: \"{{hmac_sha256('k', body)}}\" }",
      "        body: { id: \"{{response.body.id}}\", n: \"{{uuid}}\" }",
      "  - path: /ok",
      "    response: { status: 200 }",
      "chains:",
      "  - id: c",
      "    links:",
      "      - request: { id: a, method: GET, url: \"{{base_url}}/ok?v={{variables.v}}&r={{request.body.x}}\", headers: { x-s: \"{{hash(body)}}\" } }",
      "      - request: { id: b, method: GET, url: \"{{base_url}}/ok\" }",
      "        condition: \"{{chain.a.status}} == 200\"",
      "intelligent_behavior:",
      "  behavior_model:",
      "    consistency_rules:",
      "      - name: r",
      "        condition: \"status == 200\"",
      "        action: { type: execute_chain, chain_id: c, variables: { v: \"{{response.body.id}}{{body.x}}{{request.path}}\" } }",
      "chaos:",
      "  scenarios:",
      "    - name: s",
      "      variables: { v: \"{{uuid}}\" }",
      "      steps:",
      "        - name: one",
      "          request: { url: \"/ok?v={{variables.v}}\", headers: { x: \"{{body}}\" } }",
      "          post_hooks:",
      "            - name: h",
      "              condition: \"variables.response_status == 200 AND steps.one.status == 200\"",
      "              actions: [{ type: execute_chain, chain_id: c }, { type: set_variable, name: w, value: \"{{env.HOME}}\" }]",
    ]);
    const r = await runCli(["validate", p]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("validate reports everything in one pass", () => {
  it("lists a route's problems and the rules' and hooks' together", async () => {
    const p = file("both-kinds.yaml", [
      "routes:",
      "  - path: /a",
      "    response: { body: { id: \"{{reqest.body.x}}\" } }",
      "intelligent_behavior:",
      "  behavior_model:",
      "    consistency_rules:",
      "      - name: r",
      "        condition: \"status == 200\"",
      "        action: { type: execute_chain, chain_id: nope }",
    ]);
    const r = await runCli(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(": 2 problems");
    expect(lineAbout(r.stderr, "routes[0].response.body.id")).toMatch(/MFG_ERR_EXPR_MISSING_NAME/);
    expect(lineAbout(r.stderr, "intelligent_behavior.behavior_model.consistency_rules[0].action.chain_id")).toMatch(/MFG_ERR_CHAIN_NOT_FOUND/);
  });
});

describe("validate on a chain file", () => {
  it("says it is a chain file and which command validates it, instead of listing unknown keys", async () => {
    const seedChain = join(import.meta.dirname, "..", "examples", "chains", "payment.yaml");
    const r = await runCli(["validate", seedChain]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is a chain file (it has top-level `links`), not a server config");
    expect(r.stderr).toContain(`mockforge chain validate ${seedChain}`);
    expect(r.stderr).not.toMatch(/unknown key/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMockForgeError } from "../core/errors.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { loadConfig, parseConfigText, parseRouteInput } from "./load-config.js";
import { findConfigProblems, validateConfig } from "./validate-config.js";
import { configError } from "./test-support/config-error-of.js";

const problems = (e: ConfigError) => e.details.errors as ConfigProblem[];

describe("parseConfigText: bad input", () => {
  it("invalid YAML: MFG_ERR_CONFIG_PARSE at the syntax error's line and column", () => {
    const e = configError(() => parseConfigText("routes:\n  - path: /x\n    response: {status: 200\n", "bad.yaml"));
    expect(e.code).toBe("MFG_ERR_CONFIG_PARSE");
    expect(e.details).toMatchObject({ file: "bad.yaml", line: 4, column: 1 });
    expect(e.format()).toMatch(/^bad\.yaml:4:1 not valid YAML\/JSON: /);
  });

  it("duplicate YAML keys and tabs are syntax errors too", () => {
    const dup = configError(() => parseConfigText("http:\n  port: 1\n  port: 2\n", "dup.yaml"));
    expect(dup.details).toMatchObject({ line: 3, column: 3, hint: expect.stringContaining("once") });
    const tab = configError(() => parseConfigText("http:\n\tport: 1\n", "tab.yaml"));
    expect(tab.code).toBe("MFG_ERR_CONFIG_PARSE");
    expect(tab.details.line).toBe(2);
  });

  it("wrong type: the path and the position of the value", () => {
    const text = "routes:\n  - path: /x\n    response:\n      status: \"abc\"\n";
    const e = configError(() => parseConfigText(text, "c.yaml"));
    expect(e.code).toBe("MFG_ERR_CONFIG_INVALID");
    expect(e.details).toMatchObject({ file: "c.yaml", line: 4, column: 15, path: "routes[0].response.status" });
    expect(e.message).toContain("HTTP status");
    const port = configError(() => parseConfigText("http:\n  port: three\n", "c.yaml"));
    expect(port.details).toMatchObject({ path: "http.port", line: 2, column: 9 });
    expect(port.message).toContain('expected a number, got the string "three"');
  });

  it("unknown key: position of the key and the nearest known key", () => {
    const e = configError(() => parseConfigText("routes:\n  - path: /x\n    methd: POST\n", "c.yaml"));
    expect(e.code).toBe("MFG_ERR_CONFIG_UNKNOWN_KEY");
    expect(e.details).toMatchObject({ line: 3, column: 5, path: "routes[0].methd", hint: "did you mean `method`?" });
    expect(e.format()).toBe("c.yaml:3:5 routes[0].methd: unknown key `methd` in routes[0] (did you mean `method`?) [MFG_ERR_CONFIG_UNKNOWN_KEY]");
  });

  it("unknown key deep inside a route webhook", () => {
    const text = ["routes:", "  - path: /orders", "    webhooks:", "      - url: http://127.0.0.1:9/hook", "        retry:", "          max_attempt: 3", ""].join("\n");
    const e = configError(() => parseConfigText(text, "c.yaml"));
    expect(e.details).toMatchObject({ line: 6, column: 11, path: "routes[0].webhooks[0].retry.max_attempt", hint: "did you mean `max_attempts`?" });
    expect(e.code).toBe("MFG_ERR_CONFIG_UNKNOWN_KEY");
  });

  it("the same key in both spellings is refused", () => {
    const e = configError(() => parseConfigText("routes:\n  - path: /x\n    response:\n      delay_ms: 1\n      delayMs: 2\n", "c.yaml"));
    expect(e.details).toMatchObject({ line: 5, column: 7, path: "routes[0].response.delayMs" });
    expect(e.message).toContain("same key written twice");
  });

  it("duplicate route (same method, same path up to parameter names) names both positions", () => {
    const text = "routes:\n  - path: /users/:id\n    method: GET\n  - path: /other\n  - path: /users/{userId}\n    method: GET\n  - path: /users/{id}\n    method: POST\n";
    const e = configError(() => parseConfigText(text, "c.yaml"));
    expect(e.code).toBe("MFG_ERR_ROUTE_DUPLICATE");
    expect(problems(e)).toHaveLength(1);
    expect(e.details).toMatchObject({ line: 5, column: 11, path: "routes[2].path" });
    expect(problems(e)[0].first).toEqual({ path: "routes[0].path", line: 2, column: 11 });
    expect(e.message).toContain("first at routes[0].path (line 2)");
  });

  it("template syntax error inside a response body: path and the column of the bad expression", () => {
    const text = "routes:\n  - path: /x\n    response:\n      body:\n        message: \"Hi {{ uuid( }}\"\n";
    const e = configError(() => parseConfigText(text, "c.yaml"));
    expect(e.code).toBe("MFG_ERR_TEMPLATE_SYNTAX");
    // `message: "` starts at column 9; the string's `{{` is its 4th character, the error at the slot's end.
    expect(e.details).toMatchObject({ path: "routes[0].response.body.message", line: 5 });
    expect(e.details.column).toBeGreaterThan(18);
    expect(e.format()).toMatch(/^c\.yaml:5:\d+ routes\[0\]\.response\.body\.message: Expression ` uuid\( ` is not valid/);
  });

  it("a webhook condition that does not compile is refused with its path", () => {
    const text = "routes:\n  - path: /x\n    webhooks:\n      - url: http://127.0.0.1:9/\n        condition: \"status ==\"\n";
    const e = configError(() => parseConfigText(text, "c.yaml"));
    expect(e.code).toBe("MFG_ERR_EXPR_SYNTAX");
    expect(e.details).toMatchObject({ path: "routes[0].webhooks[0].condition", line: 5 });
  });

  it("a missing required key points at the object that lacks it; a typo of it is reported once", () => {
    const missing = configError(() => parseConfigText("routes:\n  - method: GET\n", "c.yaml"));
    expect(missing.details).toMatchObject({ path: "routes[0].path", line: 2, column: 5 });
    expect(missing.message).toContain("required key `path` is missing");
    const typo = configError(() => parseConfigText("routes:\n  - pth: /x\n", "c.yaml"));
    expect(problems(typo).map((p) => p.message)).toEqual(["unknown key `pth` in routes[0]"]);
  });

  it("collects every problem into one error, sorted by position, formatted one per line", () => {
    const text = "http:\n  prot: 1\nroutes:\n  - path: x\n    method: post\n    response:\n      status: 99\n";
    const e = configError(() => parseConfigText(text, "c.yaml"));
    expect(problems(e).map((p) => `${p.line}:${p.column} ${p.path}`)).toEqual([
      "2:3 http.prot",
      "4:11 routes[0].path",
      "5:13 routes[0].method",
      "7:15 routes[0].response.status",
    ]);
    expect(e.message).toContain("(and 3 more problems)");
    const lines = e.format().split("\n");
    expect(lines[0]).toBe("c.yaml: 4 problems");
    expect(lines[1]).toBe("c.yaml:2:3 http.prot: unknown key `prot` in http (did you mean `port`?) [MFG_ERR_CONFIG_UNKNOWN_KEY]");
    expect(lines[3]).toContain("must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY; got the string \"post\" (did you mean `POST`?)");
    expect(lines).toHaveLength(5);
  });

  it("a document that is not a mapping is refused", () => {
    const e = configError(() => parseConfigText("- path: /x\n", "c.yaml"));
    expect(e.code).toBe("MFG_ERR_CONFIG_INVALID");
    expect(e.message).toContain("expected a mapping (key: value), got a list");
  });
});

describe("parseConfigText: good input", () => {
  it("accepts camelCase keys as their snake_case twins", () => {
    const { config } = parseConfigText("http:\n  bodyLimitBytes: 1024\nroutes:\n  - path: /x\n    response:\n      delayMs: 50\n", "c.yaml");
    expect(config.http.body_limit_bytes).toBe(1024);
    expect(config.routes[0].response.delay_ms).toBe(50);
  });

  it("keeps header names and body keys exactly as written", () => {
    const text = [
      "routes:",
      "  - path: /orders",
      "    method: POST",
      "    response:",
      "      headers:",
      "        X-Webhook-Signature: abc",
      "        contentType: text/plain",
      "      body:",
      "        customerId: c1",
      "        order_items: [{ productId: p1 }]",
      "    webhooks:",
      "      - url: http://127.0.0.1:9/hook",
      "        headers: { X-Webhook-Signature: \"{{hash(request.body)}}\" }",
      "        body: { customerId: \"{{request.body.customerId}}\" }",
      "",
    ].join("\n");
    const route = parseConfigText(text, "c.yaml").config.routes[0];
    expect(route.response.headers).toEqual({ "X-Webhook-Signature": "abc", contentType: "text/plain" });
    expect(route.response.body).toEqual({ customerId: "c1", order_items: [{ productId: "p1" }] });
    expect(route.webhooks[0].headers).toEqual({ "X-Webhook-Signature": "{{hash(request.body)}}" });
    expect(route.webhooks[0].body).toEqual({ customerId: "{{request.body.customerId}}" });
  });

  it("an empty file is a config of defaults, with a warning", () => {
    for (const text of ["", "# nothing yet\n"]) {
      const loaded = parseConfigText(text, "empty.yaml");
      expect(loaded.config.http).toEqual({ port: 3000, host: "127.0.0.1", body_limit_bytes: 10 * 1024 * 1024 });
      expect(loaded.config.routes).toEqual([]);
      expect(loaded.config.storage).toBe("sqlite:.mockforge/state.db");
      expect(loaded.config.journal).toEqual({ max_entries: 10_000, max_runs: 1000 });
      expect(loaded.warnings).toEqual(["empty.yaml: the file is empty: every setting takes its default"]);
    }
  });

  it("fills route defaults: method ANY, status 200, no delay, no webhooks", () => {
    const route = parseConfigText("routes:\n  - path: /ping\n", "c.yaml").config.routes[0];
    expect(route).toEqual({ path: "/ping", method: "ANY", response: { status: 200, headers: {}, delay_ms: 0 }, webhooks: [] });
  });

  it("accepts a templated status and YAML merge keys", () => {
    const text = "x-defaults: &d\n  status: 201\nroutes:\n  - path: /a\n    response:\n      status: \"{{request.body.code}}\"\n";
    expect(() => parseConfigText(text, "c.yaml")).toThrow(/unknown key `x-defaults`/);
    const merged = parseConfigText("routes:\n  - &r\n    path: /a\n    response: { status: 201 }\n  - <<: *r\n    path: /b\n", "c.yaml");
    expect(merged.config.routes.map((r) => [r.path, r.response.status])).toEqual([["/a", 201], ["/b", 201]]);
    const templated = parseConfigText("routes:\n  - path: /a\n    response:\n      status: \"{{request.body.code}}\"\n", "c.yaml");
    expect(templated.config.routes[0].response.status).toBe("{{request.body.code}}");
  });
});

describe("loadConfig", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mockforge-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads the seed's receiver example verbatim", async () => {
    const file = new URL("../../test/fixtures/seed/13-using-mockforge-to-receive-webhooks.yaml", import.meta.url).pathname;
    const loaded = await loadConfig(file);
    expect(loaded.config.http.port).toBe(3001);
    expect(loaded.config.routes).toEqual([
      { path: "/webhooks/orders", method: "POST", response: { status: 200, headers: {}, body: { message: "Webhook received" }, delay_ms: 0 }, webhooks: [] },
    ]);
    expect(loaded.file).toBe(file);
    expect(loaded.dir).toBe(join(file, ".."));
    expect(loaded.warnings).toEqual([]);
  });

  it("loads a JSON config file, and positions JSON problems too", async () => {
    const good = join(dir, "good.json");
    await writeFile(good, JSON.stringify({ http: { port: 0 }, routes: [{ path: "/a", method: "GET", response: { body: '{"ok":true}' } }] }, null, 2));
    const loaded = await loadConfig("good.json", { cwd: dir });
    expect(loaded.config.routes[0].response.body).toBe('{"ok":true}');
    expect(loaded.file).toBe(good);
    expect(loaded.dir).toBe(dir);

    await writeFile(join(dir, "bad.json"), '{\n  "routes": [\n    { "path": "/a", "response": { "status": "abc" } }\n  ]\n}\n');
    const e = await loadConfig("bad.json", { cwd: dir }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).details).toMatchObject({ file: "bad.json", line: 3, column: 45, path: "routes[0].response.status" });

    await writeFile(join(dir, "broken.json"), '{\n  "routes": [\n    { "path": "/a", }\n');
    const p = await loadConfig(join(dir, "broken.json")).catch((x: unknown) => x);
    expect(isMockForgeError(p, "MFG_ERR_CONFIG_PARSE")).toBe(true);
  });

  it("a missing file is MFG_ERR_CONFIG_NOT_FOUND with a hint", async () => {
    const e = await loadConfig(join(dir, "nope.yaml")).catch((x: unknown) => x);
    expect(isMockForgeError(e, "MFG_ERR_CONFIG_NOT_FOUND")).toBe(true);
    expect((e as ConfigError).details.hint).toContain("--config");
    const folder = await loadConfig(dir).catch((x: unknown) => x);
    expect((folder as Error).message).toContain("is a folder");
  });

  it("reads a file with a byte-order mark", async () => {
    await writeFile(join(dir, "bom.yaml"), "\uFEFFhttp:\n  port: 4000\n");
    expect((await loadConfig(join(dir, "bom.yaml"))).config.http.port).toBe(4000);
    expect(await readFile(join(dir, "bom.yaml"), "utf8")).toMatch(/^\uFEFF/);
  });
});

describe("parseRouteInput and validateConfig (data without a file)", () => {
  it("parses an admin API route body with the same spellings and messages, paths relative to the route", () => {
    expect(parseRouteInput({ path: "/x", response: { delayMs: 5 } }, "POST /__mockforge/routes").response.delay_ms).toBe(5);
    const e = configError(() => parseRouteInput({ path: "/x/{id", response: { bdy: 1, body: "{{ a b }}" } }, "POST /__mockforge/routes"));
    expect(problems(e).map((p) => [p.code, p.path, p.line])).toEqual([
      ["MFG_ERR_CONFIG_UNKNOWN_KEY", "response.bdy", undefined],
    ]);
    const semantic = configError(() => parseRouteInput({ path: "/x/{id", response: { body: "{{ a b }}" } }, "api"));
    expect(problems(semantic).map((p) => [p.code, p.path])).toEqual([
      ["MFG_ERR_ROUTE_INVALID", "path"],
      ["MFG_ERR_TEMPLATE_SYNTAX", "response.body"],
    ]);
    expect(semantic.format().split("\n")[1]).toMatch(/^api: path: segment `\{id` of `\/x\/\{id` is not a parameter/);
  });

  it("validateConfig checks a config built in code", () => {
    const { config } = parseConfigText("routes:\n  - path: /a\n", "c.yaml");
    expect(() => validateConfig(config)).not.toThrow();
    const twice = { ...config, routes: [config.routes[0], config.routes[0]] };
    const e = configError(() => validateConfig(twice));
    expect(e.code).toBe("MFG_ERR_ROUTE_DUPLICATE");
    expect(e.details).toMatchObject({ file: "<config>", path: "routes[1].path", line: undefined });
    const unsigned = { ...config, webhooks: { ...config.webhooks, signing: { scheme: "standard-webhooks" as const } } };
    expect(findConfigProblems(unsigned).map((p) => p.path)).toEqual(["webhooks.signing"]);
  });
});

/**
 * Config routes compile on their first request (compiled-route.ts), so a template that cannot
 * compile must be refused at load. A body written as JSON text is compiled as the value it
 * parses to, where a JSON escape can turn a valid template into one that is not: `\\'` in the
 * text is `\'` in the value, and `{{ 'a\' }}` never closes its string. Found in review: the
 * load checked only the text, the server started, and every request answered 400.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServer } from "../src/start-server.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-deferred-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadError(yaml: string, name: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  try {
    const mock = await startServer(file);
    await mock.close();
  } catch (e) {
    return `${(e as { code?: string }).code ?? ""} ${String(e)}`;
  }
  return "started";
}

describe("a body whose template compiles only as written", () => {
  it("in a route's response: refused at load", async () => {
    const yaml = `routes:
  - path: /x
    method: GET
    response:
      status: 200
      body: '{"msg": "{{ ''a\\\\'' }}"}'
`;
    expect(await loadError(yaml, "response.yaml")).toMatch(/MFG_ERR_CONFIG_INVALID|MFG_ERR_TEMPLATE/);
  });

  it("in a route's webhook: refused at load", async () => {
    const yaml = `routes:
  - path: /w
    method: POST
    response: { status: 202, body: accepted }
    webhooks:
      - url: http://127.0.0.1:9/hook
        body: '{"msg": "{{ ''a\\\\'' }}"}'
`;
    expect(await loadError(yaml, "webhook.yaml")).toMatch(/MFG_ERR_CONFIG_INVALID|MFG_ERR_TEMPLATE/);
  });

  it("a JSON-text body that compiles both ways still loads and answers", async () => {
    const file = join(dir, "ok.yaml");
    writeFileSync(file, `routes:
  - path: /ok
    method: GET
    response: { status: 200, body: '{"msg": "{{ request.query.name }}"}' }
`);
    const mock = await startServer(file);
    try {
      const r = await fetch(`${mock.url}/ok?name=ada`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ msg: "ada" });
    } finally {
      await mock.close();
    }
  });
});

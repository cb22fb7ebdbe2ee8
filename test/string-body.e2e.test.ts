/**
 * Issue 21: a string body is sent byte for byte as written, JSON text included (a provider's
 * exact payload, spacing and number forms kept), while a value inserted into one of its
 * strings is still escaped as JSON. Before, JSON text was parsed and re-sent compacted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const EXACT = '{"id":  "evt_1", "amount": 1.50, "list": [ 1,2 ],\n "unicode": "\\u00e9"}';

/** EXACT as a YAML block scalar at the given indent (a block keeps newlines and quotes as written). */
const block = (indent: string) => `|-\n${EXACT.split("\n").map((l) => indent + l).join("\n")}`;

const config = (rx: string) => `
routes:
  - path: /exact
    method: POST
    response: { status: 200 }
    webhooks:
      - url: "${rx}/exact"
        body: ${block("          ")}
  - path: /templated
    method: POST
    response: { status: 200 }
    webhooks:
      - url: "${rx}/templated"
        body: '{"note":   "{{request.body.note}}", "n": {"v": "{{request.body.n}}"}, "at": "x{{request.body.n}}"}'
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: rule-with-json-text
        condition: "path == '/rule'"
        action:
          type: http_request
          url: "${rx}/rule"
          body: ${block("            ")}
`;

describe("a string body is sent as written", () => {
  let rx: Receiver;
  let s: TestServer;
  beforeAll(async () => {
    rx = await new Receiver().start();
    s = await startFromText(config(rx.url));
  });
  afterAll(async () => {
    await s.close();
    await rx.stop();
  });

  it("JSON text with its own spacing and number forms arrives byte for byte, as JSON", async () => {
    await call(`${s.url}/exact`, { body: {} });
    const [got] = await rx.waitForPath("/exact");
    expect(got!.text).toBe(EXACT);
    expect(got!.headers["content-type"]).toBe("application/json");
  });

  it("a rule action's JSON text body too", async () => {
    await call(`${s.url}/rule`, { body: {} });
    const [got] = await rx.waitForPath("/rule");
    expect(got!.text).toBe(EXACT);
  });

  it("inserted values are escaped as JSON and keep their type in a whole-string slot; the rest stays as written", async () => {
    await call(`${s.url}/templated`, { body: { note: 'he said "hi"', n: 7 } });
    const [got] = await rx.waitForPath("/templated");
    expect(got!.text).toBe('{"note":   "he said \\"hi\\"", "n": {"v": 7}, "at": "x7"}');
  });
});

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "./support/cli.js";
import { Receiver } from "./support/receiver.js";
import { call } from "./support/start-app.js";

const PETS = "examples/openapi/petstore-webhooks.yaml";

describe("OpenAPI from the command line", () => {
  let rx: Receiver;
  let dir: string;
  beforeAll(async () => {
    rx = await new Receiver().start();
    dir = mkdtempSync(join(tmpdir(), "mockforge-oacli-"));
  });
  afterAll(async () => {
    await rx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("openapi inspect lists operations, callbacks and webhooks; exit 0", async () => {
    const r = await runCli(["openapi", "inspect", "examples/openapi/payments.yaml", "--no-full-validation"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("POST    /payments  createPayment  → 201 application/json (example 'pending')");
    expect(r.stdout).toContain("callback paymentStatus: POST {$request.body#/callbackUrl}");
  });

  it("openapi inspect on a broken spec lists the problems (pointer and line) and exits 1; Swagger 2.0 says convert first", async () => {
    writeFileSync(join(dir, "broken.yaml"), 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      responses: { "200": { $ref: "#/nope" } }\n  /b:\n    get:\n      responses: { "200": { description: ok } }\n');
    const r = await runCli(["openapi", "inspect", join(dir, "broken.yaml"), "--no-full-validation"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken\.yaml:6 #\/paths\/~1a\/get\/responses\/200\/\$ref: \$ref '#\/nope' points at nothing/);
    expect(r.stdout).toContain("GET     /b");
    writeFileSync(join(dir, "s2.yaml"), 'swagger: "2.0"\ninfo: { title: t, version: "1" }\npaths: {}\n');
    const s2 = await runCli(["openapi", "inspect", join(dir, "s2.yaml")]);
    expect(s2.code).toBe(1);
    expect(s2.stderr).toContain("MFG_ERR_OPENAPI_SWAGGER2");
  });

  it("openapi inspect runs the complete @readme/openapi-parser validation", async () => {
    writeFileSync(join(dir, "dupid.yaml"), 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get: { operationId: same, responses: { "200": { description: ok } } }\n  /b:\n    get: { operationId: same, responses: { "200": { description: ok } } }\n');
    const r = await runCli(["openapi", "inspect", join(dir, "dupid.yaml")], { timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/operationId.*same|same.*operationId/i);
  });

  it("serve --openapi serves a spec without a config file; a broken one exits 1 before listening, --openapi-lenient serves the rest", async () => {
    const s = await startCliServer(["--openapi", PETS, "--port", "0", "--ephemeral"]);
    try {
      expect((await call(`${s.url}/pets`)).status).toBe(200);
    } finally {
      await stop(s.proc);
    }
    const bad = await runCli(["serve", "--openapi", join(dir, "broken.yaml"), "--port", "0", "--ephemeral"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("MFG_ERR_OPENAPI_REF");
    const lenient = await startCliServer(["--openapi", join(dir, "broken.yaml"), "--openapi-lenient", "--port", "0", "--ephemeral"]);
    try {
      expect((await call(`${lenient.url}/b`)).status).toBe(200);
      expect((await call(`${lenient.url}/a`)).status).toBe(404);
      expect(lenient.output()).toMatch(/skipped/);
    } finally {
      await stop(lenient.proc);
    }
  });

  it("trigger standalone sends the named example and exits 0; an unknown event exits 1 naming the known ones", async () => {
    const r = await runCli(["trigger", "newPet", "--spec", PETS, "--to", `${rx.url}/cli/new-pet`, "--example", "cat"]);
    expect(r.stdout).toMatch(/✓ dlv_\S+ succeeded HTTP 200 POST/);
    expect(r.code).toBe(0);
    const [got] = await rx.waitForPath("/cli/new-pet");
    expect(got!.body).toEqual({ id: 1, name: "Tom", tag: "cat" });
    const unknown = await runCli(["trigger", "nope", "--spec", PETS, "--to", `${rx.url}/x`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("MFG_ERR_OPENAPI_UNKNOWN_EVENT");
    expect(unknown.stderr).toContain("known webhooks: newPet, petAdopted");
  });

  it("trigger --url asks a running server, which queues it in its outbox", async () => {
    const s = await startCliServer(["--openapi", PETS, "--port", "0", "--ephemeral"]);
    try {
      const r = await runCli(["trigger", "petAdopted", "--url", s.url, "--to", `${rx.url}/cli/adopted`]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^queued dlv_/);
      const [got] = await rx.waitForPath("/cli/adopted");
      expect(got!.body).toEqual({ id: 0, adopter: "Alice" });
    } finally {
      await stop(s.proc);
    }
  });
});

function stop(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    p.once("exit", () => resolve());
    p.kill("SIGTERM");
  });
}

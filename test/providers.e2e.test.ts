/**
 * Issue 21: what MockForge sends is accepted by each provider's official SDK, as an app's own
 * webhook handler would check it, on real sockets: the first attempt, a retry after a 500
 * (with the clock moved past the provider's tolerance in between), a replay after the clock
 * moved, and a rotated key. Time moves by `vi.setSystemTime` (only `Date` is faked, timers are
 * real), so MockForge's clock and the SDKs' clocks move together and nothing sleeps.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { verify as octokitVerify } from "@octokit/webhooks-methods";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { verifySlackRequest } from "@slack/bolt";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, startFromText, type TestServer } from "./support/start-app.js";
import { SdkReceiver, type Checked } from "./support/sdk-receiver.js";

const stripe = new Stripe("sk_test_unused");
const b64 = (s: string) => "whsec_" + Buffer.from(s).toString("base64");

type Headers = IncomingMessage["headers"];
const one = (h: Headers, name: string) => String(h[name] ?? "");
const rejects = async (f: () => unknown) => {
  try {
    const r = await f();
    return r === false ? "SDK returned false" : null;
  } catch (e) {
    return (e as Error).message;
  }
};

interface Provider {
  name: string;
  /** The `signing` block (flow YAML) for the given secret expressions. */
  signing: (secrets: string[]) => string;
  body: string;
  /** Whether the provider sends one signature per secret. */
  rotates: boolean;
  /** Whether the SDK checks the timestamp's age (then an old attempt's headers must fail now). */
  timed: boolean;
  idHeader: string | null;
  secrets: [string, string];
  verify: (raw: string, h: Headers, secret: string, req?: IncomingMessage, res?: ServerResponse) => Promise<string | null>;
}

const shopify = (secret: string) =>
  shopifyApi({ apiSecretKey: secret, apiKey: "mockforge", apiVersion: ApiVersion.October25, isEmbeddedApp: false, hostName: "127.0.0.1", logger: { level: LogSeverity.Error } });

const PROVIDERS: Provider[] = [
  {
    name: "stripe",
    signing: (s) => `{ scheme: stripe, secrets: [${s.join(", ")}] }`,
    body: `{ id: "evt_{{uuid}}", object: event, type: checkout.session.completed, data: { object: { id: "cs_{{uuid}}" } } }`,
    rotates: true,
    timed: true,
    idHeader: null,
    secrets: ["whsec_stripe_test_A_0123456789", "whsec_stripe_test_B_9876543210"],
    verify: (raw, h, secret) => rejects(() => stripe.webhooks.constructEvent(raw, one(h, "stripe-signature"), secret)),
  },
  {
    name: "github",
    signing: (s) => `{ scheme: github, event: push, secret: ${s[0]} }`,
    body: `{ ref: refs/heads/main, after: "{{uuid}}", repository: { full_name: acme/shop } }`,
    rotates: false,
    timed: false,
    idHeader: "x-github-delivery",
    secrets: ["gh-webhook-secret-A", "gh-webhook-secret-B"],
    verify: async (raw, h, secret) =>
      one(h, "x-github-event") !== "push" ? "no X-GitHub-Event" : rejects(() => octokitVerify(secret, raw, one(h, "x-hub-signature-256"))),
  },
  {
    name: "slack",
    signing: (s) => `{ scheme: slack, secret: ${s[0]} }`,
    body: `{ type: event_callback, event_id: "Ev{{uuid}}", event: { type: app_mention, text: "hi" } }`,
    rotates: false,
    timed: true,
    idHeader: null,
    secrets: ["8f742231b10e8888abcd99yyyzzz85a5", "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"],
    verify: (raw, h, secret) =>
      rejects(() =>
        verifySlackRequest({
          signingSecret: secret,
          body: raw,
          headers: { "x-slack-signature": one(h, "x-slack-signature"), "x-slack-request-timestamp": Number(one(h, "x-slack-request-timestamp")) },
        }),
      ),
  },
  {
    name: "shopify",
    signing: (s) => `{ scheme: shopify, topic: orders/create, shop_domain: acme.myshopify.com, secret: ${s[0]} }`,
    body: `{ id: 820982911946154500, email: "jon@example.com", total_price: "199.00" }`,
    rotates: false,
    timed: false,
    idHeader: "x-shopify-webhook-id",
    secrets: ["shpss_test_secret_A", "shpss_test_secret_B"],
    verify: async (raw, _h, secret, req, res) => {
      if (!req || !res) return "shopify validates the live request only";
      const r = await shopify(secret).webhooks.validate({ rawBody: raw, rawRequest: req, rawResponse: res });
      return r.valid ? null : `invalid: ${r.reason}${"missingHeaders" in r ? ` ${String(r.missingHeaders)}` : ""}`;
    },
  },
  {
    name: "svix",
    signing: (s) => `{ scheme: svix, secrets: [${s.join(", ")}] }`,
    body: `{ type: invoice.paid, data: { id: "inv_{{uuid}}" } }`,
    rotates: true,
    timed: true,
    idHeader: "svix-id",
    secrets: [b64("svix-test-key-A-0123456789abcdef"), b64("svix-test-key-B-fedcba9876543210")],
    verify: (raw, h, secret) => rejects(() => new SvixWebhook(secret).verify(raw, h as Record<string, string>)),
  },
  {
    name: "standard-webhooks",
    signing: (s) => `{ scheme: standard-webhooks, secrets: [${s.join(", ")}] }`,
    body: `{ type: order.created, id: "ord_{{uuid}}" }`,
    rotates: true,
    timed: true,
    idHeader: "webhook-id",
    secrets: [b64("standard-key-A-0123456789abcdef"), b64("standard-key-B-fedcba9876543210")],
    verify: (raw, h, secret) => rejects(() => new StandardWebhook(secret).verify(raw, h as Record<string, string>)),
  },
];

const envName = (p: Provider, which: "A" | "B") => `${p.name.replace("-", "_").toUpperCase()}_SECRET_${which}`;
const env: Record<string, string> = {};
for (const p of PROVIDERS) {
  env[envName(p, "A")] = p.secrets[0];
  env[envName(p, "B")] = p.secrets[1];
  env[`${envName(p, "A")}_NOW`] = p.secrets[0];
}

function configYaml(receiverUrl: string): string {
  const routes = PROVIDERS.flatMap((p) => {
    const hook = (path: string, secrets: string[]) => `
  - path: /trigger/${path}
    method: POST
    response: { status: 200, body: { ok: true } }
    webhooks:
      - url: "${receiverUrl}/${path}"
        retry: { max_attempts: 3, initial_delay_ms: 50, jitter: false }
        signing: ${p.signing(secrets)}
        body: ${p.body}`;
    // The current key is read from the environment per attempt, so changing it rotates the key.
    const out = [hook(p.name, [`"{{env.${envName(p, "A")}_NOW}}"`])];
    if (p.rotates) out.push(hook(`${p.name}-rotated`, [`"{{env.${envName(p, "B")}}}"`, `"{{env.${envName(p, "A")}}}"`]));
    return out;
  });
  return `routes:${routes.join("")}\n`;
}

let receiver: SdkReceiver;
let server: TestServer;
const currentSecret = (p: Provider) => env[`${envName(p, "A")}_NOW`]!;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  const checks: Record<string, (raw: string, req: IncomingMessage, res: ServerResponse) => Promise<string | null>> = {};
  for (const p of PROVIDERS) {
    checks[`/${p.name}`] = (raw, req, res) => p.verify(raw, req.headers, currentSecret(p), req, res);
    // Both keys must verify the one request that carries a signature for each.
    checks[`/${p.name}-rotated`] = async (raw, req, res) =>
      (await p.verify(raw, req.headers, p.secrets[1], req, res)) ?? (await p.verify(raw, req.headers, p.secrets[0], req, res));
  }
  receiver = await new SdkReceiver(checks).start();
  server = await startFromText(configYaml(receiver.url), { env });
});

afterAll(async () => {
  await server?.close();
  await receiver?.close();
  vi.useRealTimers();
});

const jump = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

async function trigger(path: string): Promise<void> {
  expect((await call(`${server.url}/trigger/${path}`, { body: {} })).status).toBe(200);
}

async function deliveryIdFor(path: string, count: number): Promise<string> {
  const r = await call(`${server.url}/__mockforge/deliveries/wait?url=${encodeURIComponent(`/${path}`)}&count=${count}&timeout_ms=10000`);
  expect(r.status).toBe(200);
  const list = await call(`${server.url}/__mockforge/deliveries?url=${encodeURIComponent(`${receiver.url}/${path}`)}`);
  const newest = (list.body as { id: string; request: { url: string } }[]).find((d) => d.request.url === `${receiver.url}/${path}`);
  return newest!.id;
}

/** Verifies a request received earlier against the SDK at the current time (for the SDKs that check age). */
async function verifyNow(p: Provider, c: Checked): Promise<string | null> {
  return p.verify(c.raw, c.headers, currentSecret(p));
}

describe.each(PROVIDERS)("$name: verified by the official SDK", (p) => {
  it("the first attempt", async () => {
    const before = receiver.of(`/${p.name}`).length;
    await trigger(p.name);
    const got = (await receiver.waitFor(`/${p.name}`, before + 1))[before]!;
    expect(got.rejected).toBeNull();
    if (p.idHeader) expect(one(got.headers, p.idHeader)).toMatch(/^msg_/);
  });

  it("a retry after a 500, with the clock moved past the tolerance in between, carries a fresh signature", async () => {
    const path = `/${p.name}`;
    const before = receiver.of(path).length;
    receiver.plan.set(path, [500]);
    receiver.onReceive = (c) => {
      if (c.path === path && receiver.of(path).length === before) jump(400);
    };
    await trigger(p.name);
    const [first, retry] = (await receiver.waitFor(path, before + 2)).slice(before);
    receiver.onReceive = () => undefined;
    expect(first!.rejected).toBeNull();
    expect(retry!.rejected).toBeNull();
    expect(retry!.raw).toBe(first!.raw);
    if (p.idHeader) expect(one(retry!.headers, p.idHeader)).toBe(one(first!.headers, p.idHeader));
    // The first attempt's signature, checked now, is too old: the retry was signed again.
    if (p.timed) expect(await verifyNow(p, first!)).not.toBeNull();
  });

  it("a replay after the clock moved past the tolerance", async () => {
    const path = `/${p.name}`;
    const before = receiver.of(path).length;
    await trigger(p.name);
    const original = (await receiver.waitFor(path, before + 1))[before]!;
    const id = await deliveryIdFor(p.name, 1);
    jump(3600);
    if (p.timed) expect(await verifyNow(p, original)).not.toBeNull();
    expect((await call(`${server.url}/__mockforge/deliveries/${id}/replay`, { method: "POST" })).status).toBe(202);
    const replay = (await receiver.waitFor(path, before + 2))[before + 1]!;
    expect(replay.rejected).toBeNull();
    expect(replay.raw).toBe(original.raw);
    if (p.idHeader) expect(one(replay.headers, p.idHeader)).toBe(one(original.headers, p.idHeader));
  });

  it(p.rotates ? "a rotated key: one signature per secret, each accepted" : "a rotated key: the next attempt signs with the new key", async () => {
    if (p.rotates) {
      const path = `/${p.name}-rotated`;
      const before = receiver.of(path).length;
      await trigger(`${p.name}-rotated`);
      expect((await receiver.waitFor(path, before + 1))[before]!.rejected).toBeNull();
      return;
    }
    const path = `/${p.name}`;
    const before = receiver.of(path).length;
    await trigger(p.name);
    expect((await receiver.waitFor(path, before + 1))[before]!.rejected).toBeNull();
    const id = await deliveryIdFor(p.name, 1);
    env[`${envName(p, "A")}_NOW`] = p.secrets[1];
    try {
      await call(`${server.url}/__mockforge/deliveries/${id}/replay`, { method: "POST" });
      const again = (await receiver.waitFor(path, before + 2))[before + 1]!;
      expect(again.rejected).toBeNull();
      // …and the old key no longer verifies it.
      const req = { headers: again.headers } as IncomingMessage;
      if (p.name !== "shopify") expect(await p.verify(again.raw, again.headers, p.secrets[0], req)).not.toBeNull();
    } finally {
      env[`${envName(p, "A")}_NOW`] = p.secrets[0];
    }
  });
});

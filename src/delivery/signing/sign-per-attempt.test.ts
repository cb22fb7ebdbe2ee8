/**
 * Issue 21: a provider scheme is signed when each attempt is sent, never when the call is
 * queued: after a `delay_ms` longer than Stripe's tolerance, and after a restart resumes a
 * pending delivery, the Stripe SDK accepts what arrives (checked at the manual clock's time).
 */
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../../core/clock.js";
import { createMemoryStorage } from "../../storage/memory/memory-storage.js";
import { engineFixture, type EngineFixture } from "../test-support/engine-fixture.js";
import { answer, startReceiver, type Receiver } from "../test-support/receiver.js";

const stripe = new Stripe("sk_test_unused");
const SECRET = "whsec_sign_per_attempt";
const route = { source: { kind: "route", id: "POST /checkout" } };
const signing = { scheme: "stripe" as const, secret: SECRET };

describe("signed per attempt", () => {
  let receiver: Receiver | undefined;
  let fixtures: EngineFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures) await fx.engine.stop();
    fixtures = [];
    await receiver?.close();
  });

  const accepted = (body: string, header: unknown, atMs: number) => stripe.webhooks.constructEvent(body, String(header), SECRET, 300, undefined, atMs);

  it("a delay_ms past the tolerance: signed at send time, not at queue time", async () => {
    receiver = await startReceiver(answer(200));
    const fx = await engineFixture({ clock: new ManualClock(systemClock.now()) });
    fixtures.push(fx);
    const queuedAt = fx.clock.now();
    const rec = await fx.engine.enqueue({ method: "POST", url: receiver.url, body: { id: "evt_delayed" } }, { ...route, signing, delay_ms: 600_000 });
    await fx.clock.advance(600_000);
    await fx.reach(rec.id, "succeeded");
    const [got] = receiver.received;
    expect(accepted(got!.body, got!.headers["stripe-signature"], fx.clock.now()).id).toBe("evt_delayed");
    const t = Number(/^t=(\d+),/.exec(String(got!.headers["stripe-signature"]))![1]);
    expect(t).toBe(Math.floor((queuedAt + 600_000) / 1000));
  });

  it("a delivery resumed by a new engine after a restart is signed by that engine, at its time", async () => {
    receiver = await startReceiver(answer(503));
    const storage = createMemoryStorage();
    const clock = new ManualClock(systemClock.now());
    const first = await engineFixture({ storage, clock, defaults: { retry: { jitter: false, initial_delay_ms: 1000 } } });
    fixtures.push(first);
    const rec = await first.engine.enqueue({ method: "POST", url: receiver.url, body: { id: "evt_resumed" } }, { ...route, signing });
    await first.reach(rec.id, "pending");
    await first.engine.stop();
    fixtures = [];
    receiver.handler = answer(200);
    await clock.advance(3_600_000);
    const second = await engineFixture({ storage, clock });
    fixtures.push(second);
    await clock.advance(1000);
    await second.reach(rec.id, "succeeded");
    const resumed = receiver.received[1]!;
    expect(accepted(resumed.body, resumed.headers["stripe-signature"], clock.now()).id).toBe("evt_resumed");
    expect(resumed.body).toBe(receiver.received[0]!.body);
  });
});

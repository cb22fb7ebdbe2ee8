import { describe, expect, it } from "vitest";
import { delivery } from "../storage/test-support/storage-fixtures.js";
import { deliveryEventsFor, EVENTS_SOURCE_KIND } from "./delivery-events.js";

// A pending queued route delivery, no attempt yet, changed as each case says.
const rec = delivery;

describe("delivery lifecycle events", () => {
  it("a new delivery is queued; a claim says nothing; each attempt is an attempt", () => {
    expect(deliveryEventsFor(rec({}), 3)).toEqual(["delivery.queued"]);
    expect(deliveryEventsFor(rec({ status: "in_flight" }), 3)).toEqual(["delivery.queued"]);
    expect(deliveryEventsFor(rec({ status: "in_flight", attemptCount: 1 }), 3)).toEqual([]);
    expect(deliveryEventsFor(rec({ attemptCount: 1, lastStatus: 500 }), 3)).toEqual(["delivery.attempt"]);
  });

  it("failing is told once, at the Nth failed attempt; dead at the last; recovered after failing", () => {
    expect(deliveryEventsFor(rec({ attemptCount: 2 }), 2)).toEqual(["delivery.attempt", "delivery.failing"]);
    expect(deliveryEventsFor(rec({ attemptCount: 3 }), 2)).toEqual(["delivery.attempt"]);
    expect(deliveryEventsFor(rec({ status: "dead", attemptCount: 5 }), 2)).toEqual(["delivery.attempt", "delivery.finished", "delivery.dead"]);
    // Dead at exactly N: failing was never told for it, so both are.
    expect(deliveryEventsFor(rec({ status: "dead", attemptCount: 2 }), 2)).toEqual(["delivery.attempt", "delivery.finished", "delivery.failing", "delivery.dead"]);
    expect(deliveryEventsFor(rec({ status: "succeeded", attemptCount: 3 }), 2)).toEqual(["delivery.attempt", "delivery.finished", "delivery.recovered"]);
    expect(deliveryEventsFor(rec({ status: "succeeded", attemptCount: 2 }), 2)).toEqual(["delivery.attempt", "delivery.finished"]);
  });

  it("a 4xx stop is finished, not dead; the lifecycle deliveries themselves are never reported on", () => {
    expect(deliveryEventsFor(rec({ status: "failed", attemptCount: 1, lastStatus: 404 }), 1)).toEqual(["delivery.attempt", "delivery.finished"]);
    expect(deliveryEventsFor(rec({ status: "dead", attemptCount: 3, sourceKind: EVENTS_SOURCE_KIND }), 1)).toEqual(["delivery.attempt", "delivery.finished"]);
  });
});

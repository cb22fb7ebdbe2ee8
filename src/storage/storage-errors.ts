import { MockForgeError } from "../core/errors.js";

/** Inserting a delivery whose id is already stored: ids are generated, so this is a caller bug. */
export function duplicateDelivery(id: string): MockForgeError {
  return new MockForgeError("MFG_ERR_STORAGE", `Cannot insert delivery '${id}': a delivery with that id already exists`, {
    hint: "Generate a fresh id for each delivery (replays get a new id and set replayOf), or use update() to change one.",
    deliveryId: id,
  });
}

/**
 * Recording an attempt under a number the delivery already has. Attempt numbers are unique per
 * delivery (a constraint on every backend): a resumed delivery, or a member whose lease was
 * taken over mid-attempt, must number its attempt after what is stored, not reuse one.
 */
export function duplicateAttempt(deliveryId: string, number: number): MockForgeError {
  return new MockForgeError("MFG_ERR_ATTEMPT_EXISTS", `Delivery '${deliveryId}' already has an attempt number ${number}`, {
    hint: "Number the attempt after the highest one stored for the delivery (attempts() lists them).",
    deliveryId,
    number,
  });
}

/** A finished delivery's attempts must carry distinct numbers, as `addAttempt` would insist one by one. */
export function assertDistinctAttempts(deliveryId: string, list: readonly { number: number }[]): void {
  const seen = new Set<number>();
  for (const a of list) {
    if (seen.has(a.number)) throw duplicateAttempt(deliveryId, a.number);
    seen.add(a.number);
  }
}

/**
 * Wraps a driver error so callers see one code and a hint instead of a raw driver message.
 * An error that is already a MockForgeError passes through unchanged (no double wrapping).
 * The driver error stays available as `cause` (its `code` tells constraint violations apart).
 */
export function storageFailure(backend: string, action: string, cause: unknown, hint?: string): MockForgeError {
  if (cause instanceof MockForgeError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new MockForgeError("MFG_ERR_STORAGE", `${backend} storage could not ${action}: ${reason}`, hint ? { hint } : {}, { cause });
}

/** The driver's own error code (`SQLITE_CONSTRAINT_UNIQUE`, postgres `23505`), looking through one wrap. */
export function driverErrorCode(e: unknown): string | undefined {
  const direct = (e as { code?: unknown } | null)?.code;
  if (typeof direct === "string" && !direct.startsWith("MFG_ERR_")) return direct;
  const inner = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof inner === "string" ? inner : undefined;
}

/** A store written by a newer MockForge: refused rather than misread. `what` names it ("sqlite state file 'x'"). */
export function schemaTooNew(what: string, current: number, known: number, hint: string): MockForgeError {
  return new MockForgeError("MFG_ERR_STORAGE", `${what} has schema version ${current}, newer than this MockForge knows (${known})`, { hint });
}

import { randomBytes } from "node:crypto";

/**
 * A fresh instance id (`mbr_` + 16 hex). Not from the injected random: a seeded random gives
 * every process the same sequence, and two instances must never share an id.
 */
export function newInstanceId(): string {
  return `mbr_${randomBytes(8).toString("hex")}`;
}

import { randomBytes, randomFillSync, randomUUID } from "node:crypto";

/**
 * The one source of randomness. Nothing else calls `Math.random()`; tests pass a seeded
 * `Random` so jitter, fault injection and ids are reproducible.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** An RFC 4122 v4 UUID. */
  uuid(): string;
  /** `n` random bytes as lowercase hex. */
  hex(n: number): string;
}

// Ids are made on every request; one crypto call per 4 KiB of randomness instead of one per id.
// The pool is refilled in place: a new 4 KiB buffer per refill showed up under load at about
// 0.1 µs per request (allocating it, not the randomness).
const POOL_SIZE = 4096;
const pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** "00".."ff": hex through a table costs a few loads, not a Buffer encode call per id. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function pooledHex(n: number): string {
  if (n > POOL_SIZE) return randomBytes(n).toString("hex");
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let s = "";
  for (let i = poolOffset, end = poolOffset + n; i < end; i++) s += BYTE_HEX[pool[i]!]!;
  poolOffset += n;
  return s;
}

export const systemRandom: Random = {
  next: () => Math.random(),
  int: (min, max) => Math.floor(Math.random() * (max - min + 1)) + min,
  uuid: () => randomUUID(),
  hex: pooledHex,
};

/** A deterministic generator (mulberry32) for tests. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(next() * 256).toString(16).padStart(2, "0");
    return s;
  };
  return {
    next,
    int: (min, max) => Math.floor(next() * (max - min + 1)) + min,
    hex,
    uuid: () => {
      const h = hex(16).split("");
      h[12] = "4";
      h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
      const s = h.join("");
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

/**
 * `now` and `now_unix` mean one instant per render (SPEC §8, issue 21): a signature header
 * `t={{now_unix}},v1={{hmac_sha256(k, now_unix + '.' + body)}}` must sign the timestamp it
 * sends, however long the render takes. The env's clock is read once, at the first read, and
 * every later read in the same render gets that value.
 */
import type { Clock } from "../core/clock.js";
import type { EvalEnv } from "../expr/index.js";

const pinned = new WeakSet<EvalEnv>();

/**
 * An env whose clock reads once; an env already pinned is returned as is, so a render inside a
 * render (headers after the body) shares the outer instant.
 *
 * @example
 * const one = pinClock(env);
 * one.clock.now() === one.clock.now() // true, whatever env.clock does
 */
export function pinClock(env: EvalEnv): EvalEnv {
  if (pinned.has(env)) return env;
  const base = env.clock;
  let at: number | undefined;
  const clock: Clock = {
    now: () => (at ??= base.now()),
    monotonic: () => base.monotonic(),
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    clearTimeout: (h) => base.clearTimeout(h),
    sleep: (ms, signal) => base.sleep(ms, signal),
  };
  const out: EvalEnv = { ...env, clock };
  pinned.add(out);
  return out;
}

/**
 * The live fault state the HTTP engine consults on every request (SPEC §5): latency, error
 * injection and connection drops, set by a running scenario step or by always-on
 * `chaos_config` blocks (top level, per route). `decide` is on the hot path: with nothing
 * active it is one boolean check; with faults active it is a few comparisons and draws from the
 * injected `Random` (so a seeded Random makes injection reproducible).
 */
import type { Clock } from "../core/clock.js";
import type { Random } from "../core/random.js";
import type { FaultConfigInput } from "../config/schema/chaos.js";
import { compileRouteFilter, type RouteFilter } from "./route-filter.js";

/** What to do to one request. `latencyMs` is added before the answer (or the drop). */
export interface FaultDecision {
  latencyMs: number;
  /** Answer with this status instead of the route's response. */
  errorStatus?: number;
  /** Reset the connection instead of answering. */
  drop?: boolean;
  /** The sources whose faults fired (`scenario:checkout`, `config`, `route:POST /api/orders`). */
  sources: string[];
}

/** One active fault block, as listed for inspection. */
export interface ActiveFaults {
  source: string;
  faults: FaultConfigInput;
  /** Epoch ms when it was set. */
  since: number;
}

export interface FaultController {
  /** Sets (replacing) the faults of a source. A block with `enabled: false` or no fault clears the source. */
  set(source: string, faults: FaultConfigInput): void;
  /** Always-on faults of one route: source `route:<routeId>`, limited to that route whatever `routes` says. */
  setForRoute(routeId: string, faults: FaultConfigInput): void;
  /** Removes one source's faults, or every source's when none is given. Takes effect for the next request. */
  clear(source?: string): void;
  /** The faults for one request, or null when none fires. */
  decide(method: string, path: string, routeId: string | null): FaultDecision | null;
  /** True while any fault block is set. */
  readonly active: boolean;
  list(): ActiveFaults[];
}

interface Compiled {
  source: string;
  faults: FaultConfigInput;
  since: number;
  filter: RouteFilter | null;
  latency: { p: number; min: number; max: number } | null;
  errors: { p: number; codes: number[] } | null;
  drop: { p: number } | null;
}

/**
 * @example
 * const faults = createFaultController({ random: seededRandom(1), clock });
 * faults.set("scenario:checkout", { enabled: true, errors: { status_codes: [503], probability: 0.3 } });
 * faults.decide("GET", "/api/orders", "GET /api/orders"); // { latencyMs: 0, errorStatus: 503, … } about 30 % of the time
 * faults.clear("scenario:checkout");
 */
export function createFaultController(deps: { random: Random; clock: Clock }): FaultController {
  const { random, clock } = deps;
  let entries: Compiled[] = [];
  // The hot-path flag: kept in step with `entries` so `decide` never walks an empty list.
  let anyActive = false;

  const replace = (source: string, next: Compiled | null) => {
    entries = entries.filter((e) => e.source !== source);
    if (next) entries.push(next);
    anyActive = entries.length > 0;
  };

  return {
    set(source, faults) {
      replace(source, compile(source, faults, clock.now(), compileRouteFilter(faults.routes)));
    },
    setForRoute(routeId, faults) {
      const only: RouteFilter = (_m, _p, id) => id === routeId;
      replace(`route:${routeId}`, compile(`route:${routeId}`, faults, clock.now(), only));
    },
    clear(source) {
      if (source === undefined) {
        entries = [];
        anyActive = false;
      } else replace(source, null);
    },
    decide(method, path, routeId) {
      if (!anyActive) return null;
      let latencyMs = 0;
      let errorStatus: number | undefined;
      let drop = false;
      let sources: string[] | null = null;
      for (const e of entries) {
        if (e.filter && !e.filter(method, path, routeId)) continue;
        let fired = false;
        if (e.drop && hit(random, e.drop.p)) {
          drop = true;
          fired = true;
        }
        if (e.errors && errorStatus === undefined && hit(random, e.errors.p)) {
          const codes = e.errors.codes;
          errorStatus = codes.length === 1 ? codes[0] : codes[random.int(0, codes.length - 1)];
          fired = true;
        }
        if (e.latency && hit(random, e.latency.p)) {
          const ms = e.latency.min === e.latency.max ? e.latency.min : random.int(e.latency.min, e.latency.max);
          // Added on top (docs/scenarios-and-rules.md): a step's latency adds to the route's and the config's.
          latencyMs += ms;
          fired = true;
        }
        if (fired) (sources ??= []).push(e.source);
      }
      if (!sources) return null;
      const decision: FaultDecision = { latencyMs, sources };
      if (errorStatus !== undefined) decision.errorStatus = errorStatus;
      if (drop) decision.drop = true;
      return decision;
    },
    get active() {
      return anyActive;
    },
    list() {
      return entries.map((e) => ({ source: e.source, faults: e.faults, since: e.since }));
    },
  };
}

/** Probability 1 fires without a draw, so always-on faults do not consume randomness. */
function hit(random: Random, p: number): boolean {
  if (p >= 1) return true;
  if (p <= 0) return false;
  return random.next() < p;
}

function compile(source: string, faults: FaultConfigInput, now: number, filter: RouteFilter | null): Compiled | null {
  if (faults.enabled === false) return null;
  const l = faults.latency;
  let latency: Compiled["latency"] = null;
  if (l) {
    const a = l.fixed_ms ?? l.min_ms ?? 0;
    const b = l.fixed_ms ?? l.max_ms ?? a;
    latency = { p: l.probability ?? 1, min: Math.min(a, b), max: Math.max(a, b) };
  }
  const errors = faults.errors && faults.errors.status_codes.length > 0
    ? { p: faults.errors.probability ?? 1, codes: [...faults.errors.status_codes] }
    : null;
  const drop = faults.drop ? { p: faults.drop.probability ?? 1 } : null;
  if (!latency && !errors && !drop) return null;
  return { source, faults, since: now, filter, latency, errors, drop };
}

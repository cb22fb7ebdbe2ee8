import type { RouteTable } from "../engine/route-table.js";
import type { JournalEntry, JournalStore } from "../storage/ports.js";
import { ok, type AdminHandler } from "./admin-types.js";

/** The path whose journal `GET <path>/logs` reads. */
export function logsBase(path: string): string {
  return path.slice(0, -"/logs".length) || "/";
}

/**
 * `GET <route path>/logs`: the journal entries of the routes at that path, newest first. It is
 * admin surface (it shows recorded headers and bodies), so the admin router authorizes it like
 * every `/__mockforge` call; the server sends it there only when no route is defined at the
 * `/logs` path itself and some route is defined at its base.
 */
export function routeLogsHandler(routes: RouteTable, journal: () => JournalStore): AdminHandler {
  return async ({ req, query }) => {
    const atPath = routes.routesAtPath(logsBase(req.path));
    const limit = clampInt(query.limit, 100, 1, 10_000);
    const lists = await Promise.all(atPath.map((r) => journal().list({ routeId: r.id, limit })));
    const entries: JournalEntry[] = lists.flat().sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1)).slice(0, limit);
    return ok(entries);
  };
}

/** As this endpoint always read `limit`: out-of-range values are clamped, not refused. */
function clampInt(v: unknown, dflt: number, min: number, max: number): number {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : dflt;
}

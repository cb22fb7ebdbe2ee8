import { MockForgeError } from "../core/errors.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { DeliveryRecord, DeliveryStatus, DeliveryStore } from "../storage/ports.js";
import { ok, type AdminRoute } from "./admin-types.js";
import { qint, qstr, qtime } from "./query-params.js";

const STATUSES: DeliveryStatus[] = ["pending", "in_flight", "succeeded", "failed", "dead"];

/** Inspection and replay of every outbound call (SPEC §3): list, show with attempts, replay, delete, wait. */
export function deliveriesHandlers(store: DeliveryStore, engine: DeliveryEngine): AdminRoute[] {
  return [
    {
      method: "GET",
      path: "/deliveries",
      handler: async ({ query }) => {
        const limit = qint(query, "limit", 100, 1, 10_000);
        const offset = qint(query, "offset", 0, 0, 1_000_000);
        const trace = qstr(query, "trace");
        const base = { status: status(qstr(query, "status")), url: qstr(query, "url"), sourceKind: qstr(query, "source"), sourceId: qstr(query, "source_id"), since: qtime(query, "since") };
        // The store has no trace filter: a trace's deliveries are found among the newest 10,000.
        const found = trace ? (await store.list({ ...base, limit: 10_000 })).filter((d) => d.traceId === trace).slice(offset, offset + limit) : (await store.list({ ...base, limit: offset + limit })).slice(offset);
        return ok(found.map(redactSecrets));
      },
    },
    {
      method: "GET",
      path: "/deliveries/wait",
      handler: async ({ query }) => {
        const count = qint(query, "count", 1, 1, 10_000);
        const timeoutMs = qint(query, "timeout_ms", 5_000, 0, 300_000);
        try {
          const found = await engine.waitFor({ url: qstr(query, "url"), status: status(qstr(query, "status")), sourceKind: qstr(query, "source") }, count, timeoutMs);
          return ok({ count: found.length, deliveries: found.map(redactSecrets) });
        } catch (e) {
          if (e instanceof MockForgeError && e.code === "MFG_ERR_WAIT_TIMEOUT") return { status: 408, body: e.toJSON() };
          throw e;
        }
      },
    },
    {
      method: "GET",
      path: "/deliveries/:id",
      handler: async ({ params }) => {
        const d = await mustGet(store, params.id!);
        return ok({ ...redactSecrets(d), attempts: await store.attempts(d.id) });
      },
    },
    {
      method: "POST",
      path: "/deliveries/:id/replay",
      handler: async ({ params, query }) => {
        await mustGet(store, params.id!);
        return ok(redactSecrets(await engine.replay(params.id!, { newId: qstr(query, "new_id") === "true" })), 202);
      },
    },
    {
      method: "POST",
      path: "/deliveries/:id/resend",
      handler: async ({ req, params, query }) => {
        const url = (req.body as { url?: unknown } | null)?.url;
        if (typeof url !== "string" || url === "") {
          throw new MockForgeError("MFG_ERR_BAD_REQUEST", "Resend needs the URL to send to", { hint: `POST a JSON body {"url": "http://127.0.0.1:4000/hooks"}` });
        }
        await mustGet(store, params.id!);
        return ok(redactSecrets(await engine.replay(params.id!, { url, newId: qstr(query, "new_id") === "true" })), 202);
      },
    },
    {
      method: "POST",
      path: "/deliveries/recover",
      handler: async ({ req }) => ok(await recoverFailed(store, engine, req.body), 202),
    },
    {
      method: "DELETE",
      path: "/deliveries/:id",
      handler: async ({ params }) => {
        if (!(await store.delete(params.id!))) throw notFound(params.id!);
        return ok({ deleted: params.id });
      },
    },
  ];
}

/**
 * Bulk recovery (Svix's "recover failed messages since"): replays every delivery that ended
 * `failed` or `dead` since a time, each keeping its `webhook-id` so a receiver that did get one
 * can drop the duplicate. Replays are not recovered again.
 */
async function recoverFailed(store: DeliveryStore, engine: DeliveryEngine, body: unknown) {
  const input = (body && typeof body === "object" ? body : {}) as { since?: unknown; statuses?: unknown; url?: unknown };
  const since = typeof input.since === "number" ? input.since : typeof input.since === "string" ? Date.parse(input.since) : Number.NaN;
  if (!Number.isFinite(since)) {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", "Recover needs `since`: epoch ms or an ISO-8601 date", { hint: `POST {"since": "2026-12-07T10:00:00Z"}` });
  }
  const statuses = Array.isArray(input.statuses) ? input.statuses.map((x) => status(String(x))!) : (["failed", "dead"] as DeliveryStatus[]);
  const url = typeof input.url === "string" ? input.url : undefined;
  const lists = await Promise.all(statuses.map((s) => store.list({ status: s, since, url, limit: 10_000 })));
  const originals = lists.flat().filter((d) => d.mode === "queued" && d.sourceKind !== "replay").sort((a, b) => a.createdAt - b.createdAt);
  const replays: { original: string; replay: string }[] = [];
  for (const d of originals) replays.push({ original: d.id, replay: (await engine.replay(d.id)).id });
  return { since, statuses, count: replays.length, replays };
}

/**
 * Signing secrets are kept with a delivery (a retry after a restart must sign again) but are
 * never shown: the admin API may be reachable by more people than the config file.
 */
export function redactSecrets(d: DeliveryRecord): DeliveryRecord {
  const options = d.options as { signing?: { secret?: string; secrets?: string[] } } | null;
  if (!options?.signing) return d;
  const signing = { ...options.signing };
  if (signing.secret) signing.secret = "[redacted]";
  if (signing.secrets) signing.secrets = signing.secrets.map(() => "[redacted]");
  return { ...d, options: { ...options, signing } };
}

function status(v: string | undefined): DeliveryStatus | undefined {
  if (v === undefined || v === "") return undefined;
  if (!STATUSES.includes(v as DeliveryStatus)) {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", `Unknown delivery status '${v}'`, { hint: `Use one of: ${STATUSES.join(", ")}` });
  }
  return v as DeliveryStatus;
}

async function mustGet(store: DeliveryStore, id: string): Promise<DeliveryRecord> {
  const d = await store.get(id);
  if (!d) throw notFound(id);
  return d;
}

function notFound(id: string): MockForgeError {
  return new MockForgeError("MFG_ERR_DELIVERY_NOT_FOUND", `No delivery '${id}'`, { hint: "List deliveries with GET /__mockforge/deliveries" });
}

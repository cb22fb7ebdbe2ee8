/**
 * Exports for other tools: the journal (or a filtered view of it) and the deliveries as HAR 1.2
 * (`GET /__mockforge/export/har`) or as NDJSON, one record a line (`GET /__mockforge/export/ndjson`).
 * Bounded like every list: `limit` (default 1000, at most 10,000) newest of each kind.
 */
import { MockForgeError } from "../core/errors.js";
import type { DeliveryRecord, DeliveryStore, JournalEntry, JournalStore } from "../storage/ports.js";
import type { AdminReply, AdminRoute } from "./admin-types.js";
import { redactSecrets } from "./deliveries-handlers.js";
import { attemptEntry, har, requestEntry } from "./har.js";
import { queryJournal } from "./journal-query.js";
import { qint, qstr, qtime } from "./query-params.js";

type Query = Record<string, string | string[]>;

export interface ExportDeps {
  journal: JournalStore;
  deliveries: DeliveryStore;
  baseUrl: () => string;
  version: string;
}

async function collect(d: ExportDeps, query: Query): Promise<{ requests: JournalEntry[]; deliveries: DeliveryRecord[] }> {
  const kind = qstr(query, "kind") ?? "requests";
  if (!["requests", "deliveries", "all"].includes(kind)) throw new MockForgeError("MFG_ERR_BAD_REQUEST", `kind must be requests, deliveries or all, got '${kind}'`);
  const limit = qint(query, "limit", 1000, 1, 10_000);
  const requests = kind === "deliveries" ? [] : (await queryJournal(d.journal, { ...query, limit: String(limit) }, { limit, maxLimit: 10_000 })).entries;
  const status = qstr(query, "delivery_status") as DeliveryRecord["status"] | undefined;
  const deliveries = kind === "requests" ? [] : await d.deliveries.list({ status, url: qstr(query, "url"), sourceKind: qstr(query, "source"), since: qtime(query, "since"), limit });
  return { requests, deliveries };
}

function file(text: string, type: string, name: string): AdminReply {
  return { status: 200, body: undefined, raw: { text, contentType: type, headers: { "content-disposition": `attachment; filename="${name}"` } } };
}

export function exportHandlers(d: ExportDeps): AdminRoute[] {
  return [
    {
      method: "GET",
      path: "/export/har",
      handler: async ({ query }) => {
        const { requests, deliveries } = await collect(d, query);
        const entries = requests.map((e) => requestEntry(e, d.baseUrl()));
        for (const dl of deliveries) for (const a of await d.deliveries.attempts(dl.id)) entries.push(attemptEntry(dl, a));
        return file(JSON.stringify(har(entries, d.version)), "application/json", "mockforge.har");
      },
    },
    {
      method: "GET",
      path: "/export/ndjson",
      handler: async ({ query }) => {
        const { requests, deliveries } = await collect(d, query);
        const lines = requests.map((e) => JSON.stringify({ kind: "request", ...e }));
        for (const dl of deliveries) lines.push(JSON.stringify({ kind: "delivery", ...redactSecrets(dl), attempts: await d.deliveries.attempts(dl.id) }));
        return file(lines.length ? `${lines.join("\n")}\n` : "", "application/x-ndjson", "mockforge.ndjson");
      },
    },
  ];
}

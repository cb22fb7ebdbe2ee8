import type { Deps } from "../core/deps.js";
import { MockForgeError } from "../core/errors.js";
import type { JournalRecorder } from "../engine/journal-recorder.js";
import { waitForRequests } from "../engine/request-waiter.js";
import type { EvalEnv } from "../expr/index.js";
import type { JournalEntry, JournalStore } from "../storage/ports.js";
import { validationOf } from "../openapi/validation-note.js";
import { compileCondition } from "../template/index.js";
import { ok, type AdminRoute } from "./admin-types.js";
import { queryJournal, truncateEntry } from "./journal-query.js";
import { qint, qstr, qtime } from "./query-params.js";

/**
 * The journal endpoints: list, clear, and the long-poll wait that lets a test say
 * "at least N POSTs to /webhooks/orders with body.event == 'order.created' within 5 s".
 */
export function requestsHandlers(journal: JournalStore, recorder: JournalRecorder, deps: Deps): AdminRoute[] {
  return [
    {
      method: "GET",
      path: "/requests",
      handler: async ({ query }) => {
        const page = await queryJournal(journal, query, { limit: 100, maxLimit: 10_000 });
        const bodyLimit = qstr(query, "body_limit") ? qint(query, "body_limit", 0, 0, 100 * 1024 * 1024) : null;
        return ok(bodyLimit === null ? page.entries : page.entries.map((e) => truncateEntry(e, bodyLimit)));
      },
    },
    {
      method: "GET",
      path: "/requests/wait",
      handler: async ({ query }) => {
        const where = qstr(query, "where");
        const count = qint(query, "count", 1, 1, 10_000);
        const timeoutMs = qint(query, "timeout_ms", 5_000, 0, 300_000);
        try {
          const found = await waitForRequests(journal, recorder, deps.clock, {
            method: qstr(query, "method"),
            path: qstr(query, "path"),
            since: qtime(query, "since"),
            where: where ? wherePredicate(where, deps) : undefined,
            count,
            timeoutMs,
          });
          return ok({ count: found.length, requests: found });
        } catch (e) {
          if (e instanceof MockForgeError && e.code === "MFG_ERR_WAIT_TIMEOUT") {
            const seen = (e.details.seen as JournalEntry[]) ?? [];
            return { status: 408, body: { ...e.toJSON(), count: seen.length, requests: seen } };
          }
          throw e;
        }
      },
    },
    {
      method: "GET",
      path: "/requests/:id",
      handler: async ({ params, query }) => {
        const e = await mustGet(journal, params.id!);
        return ok(qstr(query, "body_limit") ? truncateEntry(e, qint(query, "body_limit", 0, 0, 100 * 1024 * 1024)) : e);
      },
    },
    {
      method: "GET",
      path: "/requests/:id/body",
      handler: async ({ params }) => {
        const e = await mustGet(journal, params.id!);
        // The bytes as received, never under the sender's content type: a body that says it is
        // HTML must not run as a page of the admin origin. The original type is in its own header.
        const binary = e.rawBodyEncoding === "base64";
        const bytes = Buffer.from(e.rawBody, binary ? "base64" : "utf8");
        const headers = { "x-content-type-options": "nosniff", "content-security-policy": "sandbox", "x-mockforge-content-type": String(e.headers["content-type"] ?? "") };
        return { status: 200, body: undefined, raw: { text: bytes, contentType: binary ? "application/octet-stream" : "text/plain; charset=utf-8", headers } };
      },
    },
    {
      method: "DELETE",
      path: "/requests",
      handler: async () => {
        await journal.clear();
        return ok({ cleared: true });
      },
    },
  ];
}

/**
 * `where=` is an expression over the request: method, path, query, headers, params, body, status,
 * `validation` (`{valid, against, errors}` when an OpenAPI check ran, else null) and `signature`
 * (a `verify` route's outcome, else null).
 */
export function wherePredicate(src: string, deps: Deps): (e: JournalEntry) => boolean {
  let cond;
  try {
    cond = compileCondition(src);
  } catch (e) {
    if (e instanceof MockForgeError) throw new MockForgeError("MFG_ERR_BAD_REQUEST", `where= is not a valid expression: ${e.message}`, e.details);
    throw e;
  }
  const env: EvalEnv = { clock: deps.clock, random: deps.random };
  return (e) => {
    try {
      return cond.evaluate({ method: e.method, path: e.path, query: e.query, headers: e.headers, params: e.params, body: e.body, status: e.status, validation: validationOf(e.notes), signature: e.signature ?? null }, env);
    } catch {
      return false;
    }
  };
}

async function mustGet(journal: JournalStore, id: string): Promise<JournalEntry> {
  const e = await journal.get(id);
  if (!e) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No journal entry '${id}'`);
  return e;
}

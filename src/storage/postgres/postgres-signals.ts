/**
 * LISTEN/NOTIFY between the members of a cluster: one dedicated connection per process
 * LISTENs (a pool connection cannot: it is handed to other queries between uses), and
 * reconnects with a backoff when the database goes away. After a reconnect every listener is
 * called with an empty payload, meaning "you may have missed signals: look at the store".
 */
import pg from "pg";
import type { Clock, TimerHandle } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { SignalTopic, StoreSignals } from "../ports.js";
import type { PgDatabase } from "./postgres-database.js";

type Listener = (payload: string) => void;

export interface PgSignals extends StoreSignals {
  close(): Promise<void>;
}

/** Reconnect delays: 250 ms doubling up to 5 s. */
const MAX_BACKOFF_MS = 5000;

export function createPostgresSignals(url: string, db: PgDatabase, channels: Record<SignalTopic, string>, clock: Clock, logger: Logger): PgSignals {
  const listeners: Record<SignalTopic, Set<Listener>> = { due: new Set(), state: new Set() };
  const byChannel = new Map(Object.entries(channels).map(([topic, ch]) => [ch, topic as SignalTopic]));
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let backoff = 250;
  let retry: TimerHandle | undefined;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (n) => {
      const topic = byChannel.get(n.channel);
      if (topic) for (const fn of listeners[topic]) fn(n.payload ?? "");
    });
    c.on("error", (e) => lost(c, e));
    c.on("end", () => lost(c, new Error("connection ended")));
    await c.connect();
    for (const ch of Object.values(channels)) await c.query(`LISTEN "${ch}"`);
    client = c;
    backoff = 250;
  }

  function lost(c: pg.Client, e: unknown): void {
    if (client !== c || closed) return;
    client = null;
    c.end().catch(() => undefined);
    logger.warn({ err: String(e) }, "cluster signals: LISTEN connection lost; reconnecting (polling covers the gap)");
    schedule();
  }

  function schedule(): void {
    if (closed || retry) return;
    retry = clock.setTimeout(() => {
      retry = undefined;
      void ensure().then(
        () => {
          logger.info("cluster signals: LISTEN connection back");
          for (const set of Object.values(listeners)) for (const fn of set) fn("");
        },
        () => {
          backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
          schedule();
        },
      );
    }, backoff);
  }

  function ensure(): Promise<void> {
    if (client || closed) return Promise.resolve();
    connecting ??= connect().finally(() => (connecting = null));
    return connecting;
  }

  return {
    async listen(topic, fn) {
      listeners[topic].add(fn);
      try {
        await ensure();
      } catch (e) {
        logger.warn({ err: String(e) }, "cluster signals: cannot LISTEN now; polling until it can");
        schedule();
      }
      return () => void listeners[topic].delete(fn);
    },
    async notify(topic, payload) {
      await db.query("SELECT pg_notify($1, $2)", [channels[topic], payload]);
    },
    async close() {
      closed = true;
      clock.clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

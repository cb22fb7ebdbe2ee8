import { Command } from "commander";
import { redactSecrets } from "../admin/deliveries-handlers.js";
import { MockForgeError } from "../core/errors.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from "../storage/ports.js";
import { adminCall, tokenOption } from "./admin-client.js";
import { reportError } from "./cli-errors.js";
import { withStateFile } from "./open-state.js";

interface Source {
  state?: string;
  url?: string;
}

/**
 * `mockforge deliveries list|show|replay`: read a state file directly (`--state`, no server
 * needed) or ask a running server (`--url`). Replay needs the server that owns the outbox.
 */
export function deliveriesCommand(): Command {
  const cmd = new Command("deliveries").description("Inspect and replay outbound deliveries");
  const withSource = (c: Command) =>
    tokenOption(c)
      .option("--state <file>", "SQLite state file to read", ".mockforge/state.db")
      .option("--url <server>", "a running MockForge server, e.g. http://127.0.0.1:3000 (instead of --state)")
      .option("--json", "print JSON instead of a table");

  withSource(cmd.command("list").description("List deliveries, newest first"))
    .option("--status <status>", "pending | in_flight | succeeded | failed | dead")
    .option("--target <substring>", "only deliveries whose URL contains this")
    .option("--limit <n>", "at most this many", "50")
    .action((opts) => run(async () => {
      const rows = opts.url
        ? await adminCall<DeliveryRecord[]>(opts.url, "GET", `/deliveries?${new URLSearchParams(clean({ status: opts.status, url: opts.target, limit: opts.limit }))}`, undefined, opts.token)
        : await withStateFile(opts.state!, (s) => s.deliveries.list({ status: opts.status as DeliveryStatus | undefined, url: opts.target, limit: Number(opts.limit) }));
      print(opts.json, rows.map(redactSecrets), () => table(rows));
    }));

  withSource(cmd.command("show").description("Show one delivery with every attempt").argument("<id>"))
    .action((id: string, opts) => run(async () => {
      const d = opts.url
        ? await adminCall<DeliveryRecord & { attempts: AttemptRecord[] }>(opts.url, "GET", `/deliveries/${encodeURIComponent(id)}`, undefined, opts.token)
        : await withStateFile(opts.state!, async (s) => {
            const rec = await s.deliveries.get(id);
            if (!rec) throw new MockForgeError("MFG_ERR_DELIVERY_NOT_FOUND", `No delivery '${id}' in ${opts.state}`);
            return { ...rec, attempts: await s.deliveries.attempts(id) };
          });
      print(opts.json, { ...redactSecrets(d), attempts: d.attempts }, () => detail(d, d.attempts));
    }));

  tokenOption(cmd.command("replay"))
    .description("Queue a copy of a delivery on a running server")
    .argument("<id>")
    .requiredOption("--url <server>", "the running MockForge server that owns the outbox")
    .option("--new-id", "send it with a new webhook-id instead of the original one")
    .action((id: string, opts: { url: string; newId?: boolean; token?: string }) => run(async () => {
      const d = await adminCall<DeliveryRecord>(opts.url, "POST", `/deliveries/${encodeURIComponent(id)}/replay${opts.newId ? "?new_id=true" : ""}`, undefined, opts.token);
      process.stdout.write(`queued ${d.id} (webhook-id ${d.webhookId}) replaying ${id}\n`);
    }));
  return cmd;
}

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

function clean(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));
}

function print(json: boolean | undefined, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : text());
}

function table(rows: DeliveryRecord[]): string {
  if (rows.length === 0) return "no deliveries\n";
  const lines = rows.map((d) => [d.id, d.status, String(d.attemptCount), d.lastStatus === null ? "-" : String(d.lastStatus), `${d.request.method} ${d.request.url}`, new Date(d.createdAt).toISOString()]);
  const head = ["ID", "STATUS", "ATTEMPTS", "HTTP", "REQUEST", "CREATED"];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => l.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return `${[fmt(head), ...lines.map(fmt)].join("\n")}\n`;
}

function detail(d: DeliveryRecord, attempts: AttemptRecord[]): string {
  const out = [
    `${d.id}  ${d.status}  webhook-id ${d.webhookId}`,
    `${d.request.method} ${d.request.url}  (from ${d.sourceKind}${d.sourceId ? ` ${d.sourceId}` : ""})`,
    d.lastError ? `last error: ${d.lastError}` : "",
    ...attempts.map((a) => `  #${a.number} ${new Date(a.startedAt).toISOString()} ${a.durationMs.toFixed(1)} ms  ${a.response ? `HTTP ${a.response.status}` : `error ${a.error?.code}: ${a.error?.message}`}${a.nextDelayMs !== null ? `  retry in ${a.nextDelayMs} ms` : ""}`),
  ];
  return `${out.filter(Boolean).join("\n")}\n`;
}

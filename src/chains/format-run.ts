/**
 * Plain-text views of chain runs for the CLI: one line per live event and a table of the
 * finished run. No colours here; the CLI decides about TTY styling.
 */
import type { ChainEvent, ChainRun, LinkRun } from "./chain-run.js";

/** `1.2 s`, `85 ms`, `-` for a link that never ran. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

function linkNote(link: LinkRun): string {
  const parts: string[] = [];
  if (link.reason) parts.push(link.reason);
  if (link.error) parts.push(link.error.message);
  return parts.join(": ");
}

/**
 * One line per event.
 *
 * @example
 * formatChainEvent({ type: "link_started", runId: "run_1", chainId: "orders", linkId: "create_order", at: 0 })
 * // "→ create_order started"
 */
export function formatChainEvent(event: ChainEvent): string {
  switch (event.type) {
    case "run_started":
      return `▶ chain ${event.run.chainId} (${event.run.links.length} links) run ${event.run.id}`;
    case "link_started":
      return `→ ${event.linkId} started`;
    case "link_finished": {
      const l = event.link;
      const http = l.response ? ` HTTP ${l.response.status}` : "";
      const note = linkNote(l);
      return `${l.status === "succeeded" ? "✓" : l.status === "skipped" ? "○" : "✗"} ${l.id} ${l.status}${http} in ${formatDuration(l.durationMs)}${note ? ` (${note})` : ""}`;
    }
    case "run_finished":
      return `■ chain ${event.run.chainId} ${event.run.status} in ${formatDuration(event.run.durationMs)}`;
    default: {
      const never: never = event;
      return String(never);
    }
  }
}

/**
 * A table of a run: link, status, HTTP status, attempts, duration and a note (the reason),
 * followed by a summary line.
 *
 * @example
 * console.log(formatRunTable(run));
 * // LINK          STATUS     HTTP  ATTEMPTS  DURATION  NOTE
 * // create_order  succeeded  201   1         12 ms
 * // …
 * // payment_with_callbacks: succeeded (2 links: 2 succeeded) in 40 ms
 */
export function formatRunTable(run: ChainRun): string {
  const header = ["LINK", "STATUS", "HTTP", "ATTEMPTS", "DURATION", "NOTE"];
  const rows = run.links.map((l) => [
    l.id,
    l.status,
    l.response ? String(l.response.status) : "-",
    String(l.attempts),
    formatDuration(l.durationMs),
    linkNote(l),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const counts = new Map<string, number>();
  for (const l of run.links) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
  const tail = `${run.chainId}: ${run.status} (${run.links.length} links: ${summary}) in ${formatDuration(run.durationMs)}`;
  const error = run.error ? `\n${run.error.message}` : "";
  return [line(header), ...rows.map(line), "", tail].join("\n") + error;
}

// A dashboard's event stream reader in a process of its own, as a browser would be: reading in
// the bench process took CPU from the load generator and was counted as the dashboard's cost.
// Usage: node sse-reader.mjs <events url>. Prints READY once connected; on SIGTERM prints the
// number of events read (`stream.skipped` counts included) and exits.
const url = process.argv[2];
let events = 0;
const res = await fetch(url);
if (!res.ok) {
  console.error(`sse-reader: ${url} answered ${res.status}`);
  process.exit(1);
}
process.on("SIGTERM", () => {
  process.stdout.write(`EVENTS ${events}\n`, () => process.exit(0));
});
process.stdout.write("READY\n");
const reader = res.body.getReader();
const dec = new TextDecoder();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  const text = dec.decode(value, { stream: true });
  events += text.split("\nevent: ").length - 1;
  for (const m of text.matchAll(/"skipped":(\d+)/g)) events += Number(m[1]) - 1;
}

// Baseline for the webhook fan-out: answers the trigger, then fires the same webhook with
// fetch, no outbox, no retries, no record.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";

const [port, target] = [Number(process.argv[2]), process.argv[3]];
createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const id = randomUUID();
    const out = JSON.stringify({ id, status: "created" });
    res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
    res.end(out);
    const body = JSON.stringify({ event: "order.created", id, t: new Date().toISOString() });
    fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.arrayBuffer(), () => {});
  });
}).listen(port, "127.0.0.1", () => process.stdout.write("READY\n"));

// Bench receiver: counts webhooks (distinct by webhook-id or body.seq) and measures
// trigger→delivery latency from the `t` (ISO time) each webhook body carries.
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
let lat = [];
let ids = new Set();
let count = 0;
let first = 0;
let last = 0;
createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.url === "/stats") {
      const sorted = [...lat].sort((a, b) => a - b);
      const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
      const out = JSON.stringify({ count, distinct: ids.size, p50_ms: q(0.5), p99_ms: q(0.99), span_ms: last - first });
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(out);
    }
    if (req.url === "/reset") {
      lat = []; ids = new Set(); count = 0; first = 0; last = 0;
      res.writeHead(200); return res.end();
    }
    const now = Date.now();
    count++;
    if (!first) first = now;
    last = now;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      ids.add(req.headers["webhook-id"] ?? body.id);
      if (body.t) lat.push(now - Date.parse(body.t));
    } catch { /* count it anyway */ }
    res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
    res.end("{}");
  });
}).listen(port, "127.0.0.1", () => process.stdout.write("READY\n"));

// Baseline: a bare node:http server answering the same bytes as the static mock route.
import { createServer } from "node:http";

const body = JSON.stringify({ id: "ord_1", status: "created", items: [{ sku: "a", qty: 1 }] });
const port = Number(process.argv[2] ?? 0);
createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.url === "/echo") {
      const text = Buffer.concat(chunks).toString("utf8");
      const parsed = text ? JSON.parse(text) : null;
      const out = JSON.stringify({ echoed: parsed });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
      res.end(out);
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(port, "127.0.0.1", () => process.stdout.write("READY\n"));

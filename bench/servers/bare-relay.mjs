// Baseline for the webhook fan-out: answers the trigger, then fires the same webhook, with no
// outbox, no retries and no record: the fastest plain relay we know how to write on Node 20.
//
//   node bare-relay.mjs <port> <target-url> [agent|pool]
//
// `agent`: node:http with a keep-alive Agent and a bounded number of sockets.
// `pool`:  an undici Pool with as many connections. Global fetch (the floor until issue 20)
// builds a Request/Response pair and a stream per call and is several times slower.
// The bench runs both in the same rounds and compares MockForge with the faster.
import { createServer, request, Agent } from "node:http";
import { randomUUID } from "node:crypto";
import { Pool } from "undici";

const [port, target, mode = "agent"] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const MAX_SOCKETS = 64;
const url = new URL(target);
const headers = { "content-type": "application/json" };

let fire;
if (mode === "pool") {
  const pool = new Pool(url.origin, { connections: MAX_SOCKETS, pipelining: 1 });
  fire = (body) =>
    pool.request({ path: url.pathname, method: "POST", headers, body }).then(
      (r) => r.body.dump(),
      () => {},
    );
} else if (mode === "agent") {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const opts = { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent };
  fire = (body) => {
    const req = request({ ...opts, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => res.resume());
    req.on("error", () => {});
    req.end(body);
  };
} else {
  throw new Error(`unknown mode '${mode}' (agent or pool)`);
}

createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json", "content-length": 15 });
      return res.end('{"status":"ok"}');
    }
    const id = randomUUID();
    const out = JSON.stringify({ id, status: "created" });
    res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
    res.end(out);
    fire(JSON.stringify({ event: "order.created", id, t: new Date().toISOString() }));
  });
}).listen(port, "127.0.0.1", () => process.stdout.write("READY\n"));

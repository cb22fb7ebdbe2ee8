import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Deps } from "../core/deps.js";
import { describeError, internalError, isMockForgeError, MockForgeError } from "../core/errors.js";
import type { HandleResult, MockEngine } from "../engine/mock-engine.js";
import type { AdminResponse } from "../admin/admin-types.js";
import type { MockRequest, MockResponse } from "../engine/mock-request.js";
import { EMPTY_BODY, hasNoBody, readBody } from "./read-body.js";
import { toMockRequest } from "./to-mock-request.js";

export const ADMIN_PREFIX = "/__mockforge";

export interface HttpServerOptions {
  engine: MockEngine;
  /** The whole admin surface (`/__mockforge/*`, `<route>/logs`); it authorizes every request itself. */
  admin: (req: MockRequest, remoteAddress: string | undefined) => Promise<AdminResponse>;
  deps: Deps;
  bodyLimitBytes: number;
}

/**
 * The only HTTP listener. It reads the body (bounded), hands admin paths to the admin API and
 * everything else to the engine, writes the answer, then lets the engine journal and fire
 * after-response work. Nothing a request does can take the listener down: every failure
 * becomes a 500 with a coded body.
 */
export function createHttpServer(o: HttpServerOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 120_000 }, (req, res) => {
    const started = o.deps.clock.monotonic();
    // Most mocked requests (GETs) carry no body: answer them in this turn, without a read.
    if (hasNoBody(req)) {
      serve(o, req, res, EMPTY_BODY, false, started);
      return;
    }
    readBody(req, o.bodyLimitBytes, ({ body, tooLarge, error }) => {
      if (error) res.destroy();
      else serve(o, req, res, body, tooLarge, started);
    });
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });
  return server;
}

/** Routes a request whose body is read: admin API, 413, or the engine (synchronously when it can answer at once). */
function serve(o: HttpServerOptions, req: IncomingMessage, res: ServerResponse, body: Buffer, tooLarge: boolean, started: number): void {
  try {
    const mreq = toMockRequest(req, body, tooLarge, o.deps, started, res);
    // The admin surface, authorized in one place by the admin API: its prefix and `<route>/logs`.
    if (mreq.path === ADMIN_PREFIX || mreq.path.startsWith(`${ADMIN_PREFIX}/`) || o.engine.isRouteLogs(mreq)) {
      o.admin(mreq, req.socket.remoteAddress)
        .then((r) => (r.stream ? r.stream(res) : write(res, r)))
        .catch((e: unknown) => failed(o, req, res, e));
      return;
    }
    if (tooLarge) {
      const result = tooLargeResult(o, mreq);
      write(res, result.response, true);
      result.finish();
      return;
    }
    const result = o.engine.handle(mreq);
    if (result instanceof Promise) result.then((r) => answer(res, r)).catch((e: unknown) => failed(o, req, res, e));
    else answer(res, result);
  } catch (e) {
    failed(o, req, res, e);
  }
}


function answer(res: ServerResponse, result: HandleResult): void {
  write(res, result.response);
  result.finish();
}

/** Nothing a request does can take the listener down: a failure is a 500 with a coded body. */
function failed(o: HttpServerOptions, req: IncomingMessage, res: ServerResponse, e: unknown): void {
  // A coded client error (a template reading `query[query.k]` with ?k=constructor) is the
  // request's doing: it is answered with its own code and status, never as an internal error.
  if (isMockForgeError(e) && e.status < 500) {
    o.deps.logger.warn({ err: describeError(e), url: req.url }, "request refused while answering it");
    if (!res.headersSent) write(res, { status: e.status, headers: { "content-type": "application/json" }, body: JSON.stringify(e.toJSON()) });
    else res.destroy();
    return;
  }
  o.deps.logger.error({ err: describeError(e), url: req.url }, "request failed inside MockForge");
  if (!res.headersSent) write(res, { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: internalError(e) }) });
  else res.destroy();
}

function tooLargeResult(o: HttpServerOptions, req: MockRequest) {
  const body = JSON.stringify({ error: { code: "MFG_ERR_BODY_TOO_LARGE", message: `Request body is larger than ${o.bodyLimitBytes} bytes`, hint: "Raise http.body_limit_bytes in the config" } });
  const response: MockResponse = { status: 413, headers: { "content-type": "application/json" }, body };
  return o.engine.recordOnly(req, response, [`body too large (limit ${o.bodyLimitBytes} bytes); body not read`]);
}

function write(res: ServerResponse, r: MockResponse, close = false): void {
  if (r.drop) {
    res.socket?.destroy();
    return;
  }
  if (r.wireHeaders && !close) {
    res.writeHead(r.status, r.wireHeaders);
    res.end(r.body);
    return;
  }
  // Name/value pairs, which writeHead takes as they are: copying the headers into a new object
  // to add content-length takes V8's slow path for object literals (measured, per request).
  const pairs: (string | number)[] = [];
  const h = r.headers;
  for (const name in h) pairs.push(name, h[name]!);
  pairs.push("content-length", Buffer.byteLength(r.body));
  if (close) pairs.push("connection", "close");
  res.writeHead(r.status, pairs);
  res.end(r.body);
}

/** Listens and resolves with the bound address (port 0 picks a free port). */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE" || e.code === "EACCES" || e.code === "EADDRNOTAVAIL") {
        const why = e.code === "EADDRINUSE" ? "is already in use" : e.code === "EACCES" ? "needs more privileges" : "is not an address of this machine";
        reject(new MockForgeError("MFG_ERR_LISTEN", `Cannot listen on ${host}:${port}: it ${why}`, { hint: "Pass --port <n> (0 picks a free port) or change http.port / http.host in the config" }, { cause: e }));
      } else reject(e);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

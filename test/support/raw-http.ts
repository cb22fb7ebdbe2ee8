import { request } from "node:http";
import { networkInterfaces } from "node:os";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/**
 * One HTTP request over node:http, with every header as given (fetch refuses to set `Host`
 * and rewrites `Origin`), optionally from a chosen local address.
 */
export function rawRequest(o: {
  host: string;
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  localAddress?: string;
}): Promise<RawAnswer> {
  // node sends a DELETE body without a length unless told: say it, so the server reads it.
  const headers = o.body === undefined ? (o.headers ?? {}) : { "content-length": String(Buffer.byteLength(o.body)), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: o.host, port: o.port, method: o.method ?? "GET", path: o.path, headers, localAddress: o.localAddress, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

/**
 * An IPv4 address of this machine that is not loopback, if it has one: a server bound to it
 * and a client connecting from it give a real non-loopback peer without leaving the machine.
 */
export function nonLoopbackAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return null;
}

import type { ServerResponse } from "node:http";
import type { MockRequest, MockResponse } from "../engine/mock-request.js";

/** What an admin handler sees: the request plus router params and the parsed query. */
export interface AdminContext {
  req: MockRequest;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
}

/** What an admin handler returns; `body` is sent as JSON unless `raw` is set. */
export interface AdminReply {
  status: number;
  body: unknown;
  raw?: { text: string | Buffer; contentType: string; headers?: Record<string, string> };
  /** A long-lived answer (the event stream): the server hands over the response, the handler writes status, headers and body. */
  stream?: (res: ServerResponse, o: StreamOptions) => void;
}

/** What the router tells a stream: whether the caller may see credential headers whole (`?reveal=true` with the token). */
export interface StreamOptions {
  reveal: boolean;
}

/** What the admin API gives the server: a response, or a stream to start. */
export type AdminResponse = MockResponse & { stream?: (res: ServerResponse) => void };

export type AdminHandler = (ctx: AdminContext) => Promise<AdminReply>;

export interface AdminRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under `/__mockforge`. */
  path: string;
  handler: AdminHandler;
  /**
   * The dashboard's static files: they hold no recorded data, so they are served without the
   * admin token (a browser cannot send a header when it opens a page; the page asks for the
   * token and sends it with every API call). Every other check of the admin API still applies.
   */
  shell?: true;
  /** Content types a write takes (default: application/json only, see write-type.ts). */
  accepts?: readonly string[];
}

export const ok = (body: unknown, status = 200): AdminReply => ({ status, body });

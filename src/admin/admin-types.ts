import type { MockRequest } from "../engine/mock-request.js";

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
  raw?: { text: string; contentType: string };
}

export type AdminHandler = (ctx: AdminContext) => Promise<AdminReply>;

export interface AdminRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under `/__mockforge`. */
  path: string;
  handler: AdminHandler;
}

export const ok = (body: unknown, status = 200): AdminReply => ({ status, body });

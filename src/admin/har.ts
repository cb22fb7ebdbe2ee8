/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) from the journal and the delivery
 * store: requests received become entries whose response has the status only (the journal does
 * not keep response bodies, and each such entry says so in its `comment`); every attempt of a
 * delivery becomes an entry with the request as sent and the response as received.
 */
import type { AttemptRecord, DeliveryRecord, Headers, JournalEntry } from "../storage/ports.js";

type NameValue = { name: string; value: string };

export interface Har {
  log: { version: "1.2"; creator: { name: string; version: string }; entries: HarEntry[]; comment?: string };
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: [];
    headers: NameValue[];
    queryString: NameValue[];
    postData?: { mimeType: string; text: string; comment?: string };
    headersSize: -1;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: [];
    headers: NameValue[];
    content: { size: number; mimeType: string; text?: string; encoding?: string };
    redirectURL: "";
    headersSize: -1;
    bodySize: number;
    comment?: string;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  comment?: string;
  _mockforge: { kind: "request" | "delivery"; id: string; routeId?: string | null; attempt?: number };
}

const pairs = (h: Headers): NameValue[] => Object.entries(h).flatMap(([name, v]) => (Array.isArray(v) ? v.map((value) => ({ name, value })) : [{ name, value: String(v) }]));
const header = (h: Headers, name: string): string => {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
};
const ms = (n: number) => Math.max(0, Math.round(n * 1000) / 1000);

export function requestEntry(e: JournalEntry, baseUrl: string): HarEntry {
  const binary = e.rawBodyEncoding === "base64";
  const bytes = binary ? Buffer.from(e.rawBody, "base64").length : Buffer.byteLength(e.rawBody);
  return {
    startedDateTime: new Date(e.time).toISOString(),
    time: ms(e.durationMs),
    request: {
      method: e.method,
      url: baseUrl + e.url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: pairs(e.headers),
      queryString: pairs(e.query as Headers),
      ...(bytes > 0 ? { postData: { mimeType: header(e.headers, "content-type"), text: e.rawBody, ...(binary ? { comment: "base64 (the body is not UTF-8)" } : {}) } } : {}),
      headersSize: -1,
      bodySize: bytes,
    },
    response: {
      status: e.status,
      statusText: "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: [],
      content: { size: -1, mimeType: "" },
      redirectURL: "",
      headersSize: -1,
      bodySize: -1,
      comment: "MockForge journals the requests it receives and the status it answered, not the response body",
    },
    cache: {},
    timings: { send: 0, wait: ms(e.durationMs), receive: 0 },
    _mockforge: { kind: "request", id: e.id, routeId: e.routeId },
  };
}

export function attemptEntry(d: DeliveryRecord, a: AttemptRecord): HarEntry {
  const body = a.request.body ?? "";
  const res = a.response;
  return {
    startedDateTime: new Date(a.startedAt).toISOString(),
    time: ms(a.durationMs),
    request: {
      method: a.request.method,
      url: a.request.url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: pairs(a.request.headers),
      queryString: [...new URL(a.request.url).searchParams].map(([name, value]) => ({ name, value })),
      ...(body ? { postData: { mimeType: header(a.request.headers, "content-type"), text: body } } : {}),
      headersSize: -1,
      bodySize: Buffer.byteLength(body),
    },
    response: {
      status: res?.status ?? 0,
      statusText: "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: res ? pairs(res.headers) : [],
      content: { size: res ? Buffer.byteLength(res.body) : 0, mimeType: res ? header(res.headers, "content-type") : "", ...(res ? { text: res.body } : {}) },
      redirectURL: "",
      headersSize: -1,
      bodySize: res ? Buffer.byteLength(res.body) : -1,
      ...(a.error ? { comment: `${a.error.code}: ${a.error.message}` } : res?.truncated ? { comment: "response body truncated" } : {}),
    },
    cache: {},
    timings: { send: 0, wait: ms(a.durationMs), receive: 0 },
    comment: `delivery ${d.id} (${d.sourceKind}${d.sourceId ? ` ${d.sourceId}` : ""}), attempt ${a.number}`,
    _mockforge: { kind: "delivery", id: d.id, attempt: a.number },
  };
}

export function har(entries: HarEntry[], version: string): Har {
  entries.sort((a, b) => (a.startedDateTime < b.startedDateTime ? -1 : a.startedDateTime > b.startedDateTime ? 1 : 0));
  return { log: { version: "1.2", creator: { name: "MockForge", version }, entries } };
}

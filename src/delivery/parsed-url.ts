/**
 * Outbound URLs, parsed once per text. A server sends to the same few receivers again and
 * again, and every attempt read its URL three times (`checkDeliveryUrl`, the self-admin guard,
 * the HTTP client): `new URL` showed in the delivery profile. Bounded: cleared when full.
 * The URLs handed out are shared: read them, never change them.
 */
const parsed = new Map<string, URL | null>();
const MAX_ENTRIES = 256;

/** `new URL(text)`, or null where that throws. */
export function parseUrl(text: string): Readonly<URL> | null {
  let u = parsed.get(text);
  if (u === undefined) {
    try {
      u = new URL(text);
    } catch {
      u = null;
    }
    if (parsed.size >= MAX_ENTRIES) parsed.clear();
    parsed.set(text, u);
  }
  return u;
}

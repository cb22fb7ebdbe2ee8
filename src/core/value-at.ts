/**
 * Reading received data (a body, a spec document, headers) by a path someone wrote: chain
 * `extract` paths, OpenAPI runtime expressions' JSON pointers and `$ref`s all walk a parsed
 * document the same way, and must refuse the same things, so they share this one walk.
 */

/**
 * The value at `keys` in `doc`, stepping through own properties only, so `__proto__` or
 * `constructor` find nothing that was not received. Undefined where a step is missing or
 * the value there is not an object. Array positions may be numbers or their text ("0").
 *
 * @example
 * valueAt({ items: [{ id: "it_1" }] }, ["items", 0, "id"]) // "it_1"
 * valueAt({}, ["__proto__"]) // undefined
 */
export function valueAt(doc: unknown, keys: Iterable<string | number>): unknown {
  let cur = doc;
  for (const key of keys) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/**
 * A header by case-insensitive name (senders spell names as they like); a header received
 * more than once gives its values joined by ", ", as HTTP allows a list to be combined.
 *
 * @example
 * headerValue({ "Set-Cookie": ["a=1", "b=2"] }, "set-cookie") // "a=1, b=2"
 */
export function headerValue<V>(headers: Readonly<Record<string, V | readonly V[]>>, name: string): V | string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v.join(", ") : (v as V);
  }
  return undefined;
}

/**
 * Dependencies implied by templates (SPEC §4): a link whose templates read `chain.<name>…`
 * where `<name>` is another link's `store_as` or request id depends on that link, as does a
 * read of a name exactly one other link extracts (`chain.payment_id`). A name nothing provides
 * is a warning that lists the known names, not an error: the seed's Example 1 reads
 * `chain.customer.email`, which no link stores, and must still run (rendering empty).
 */

/** What inference needs to know about one link. */
export interface LinkReferences {
  id: string;
  /** `store_as`, else the id. */
  name: string;
  /** Names in its `extract`. */
  extractNames: readonly string[];
  /** Dotted paths its templates and condition read (`chain.order.order_id`, `request.body`). */
  references: readonly string[];
}

export interface InferredDependencies {
  /** Link id → ids of other links it reads, in link order. */
  dependsOn: Map<string, string[]>;
  /** Link ids whose templates read `request.*`. */
  readsRequest: Set<string>;
  /** One message per (link, unknown or ambiguous name). */
  warnings: string[];
}

/**
 * @example
 * inferDependencies([
 *   { id: "create_order", name: "order", extractNames: ["order_id"], references: [] },
 *   { id: "notify", name: "notify", extractNames: [], references: ["chain.order.order_id"] },
 * ]).dependsOn.get("notify") // ["create_order"]
 */
export function inferDependencies(links: readonly LinkReferences[]): InferredDependencies {
  const byName = new Map<string, string>();
  for (const l of links) {
    byName.set(l.id, l.id);
    byName.set(l.name, l.id);
  }
  const extractors = new Map<string, string[]>();
  for (const l of links) {
    for (const n of l.extractNames) extractors.set(n, [...(extractors.get(n) ?? []), l.id]);
  }
  const known = [...new Set([...links.flatMap((l) => [l.name, l.id]), ...extractors.keys()])].sort();

  const dependsOn = new Map<string, string[]>();
  const readsRequest = new Set<string>();
  const warnings: string[] = [];
  for (const link of links) {
    const deps = new Set<string>();
    const reported = new Set<string>();
    for (const ref of link.references) {
      const [root, name] = ref.split(".");
      if (root === "request") readsRequest.add(link.id);
      if (root !== "chain" || !name || reported.has(name)) continue;
      const target = byName.get(name);
      if (target !== undefined) {
        if (target !== link.id) deps.add(target);
        else {
          reported.add(name);
          warnings.push(`link '${link.id}' reads chain.${name}, its own result, which is empty while its request is rendered`);
        }
        continue;
      }
      const providers = (extractors.get(name) ?? []).filter((id) => id !== link.id);
      if (providers.length === 1) {
        deps.add(providers[0]!);
        continue;
      }
      reported.add(name);
      if (providers.length > 1) {
        warnings.push(
          `link '${link.id}' reads chain.${name}, which several links extract (${providers.join(", ")}); no dependency is inferred, so add depends_on to say which one it waits for`,
        );
      } else if (!(extractors.get(name) ?? []).includes(link.id)) {
        warnings.push(`link '${link.id}' reads chain.${name}, but no link stores or extracts '${name}' (it renders empty). Known names: ${known.join(", ")}`);
      }
    }
    const order = new Map(links.map((l, i) => [l.id, i]));
    dependsOn.set(link.id, [...deps].sort((a, b) => order.get(a)! - order.get(b)!));
  }
  return { dependsOn, readsRequest, warnings };
}

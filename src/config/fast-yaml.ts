/**
 * A fast reading of config text, for the common case. The `yaml` package builds a document
 * with every node's position, which error messages need, at about 0.7 MB/s here: 4 s for a
 * config of 20k routes. js-yaml reads the same text about ten times faster and keeps no
 * positions, so configs are read with it and the positioned document is built only when a
 * problem has to be located (see source-document.ts).
 *
 * The two parsers agree on the YAML 1.2 core schema, which is all a config uses; where they
 * do not (tags, directives, `null` and `~` as keys, aliases, anything js-yaml refuses) this
 * returns `undefined` and the caller reads the text with `yaml`, as before.
 */
import { CORE_SCHEMA, load, mergeTag } from "js-yaml";

const schema = CORE_SCHEMA.withTags(mergeTag);

/**
 * Text the two parsers may read differently: a tag (`!x`, `!!float`; `!=` is an operator in
 * conditions and stays fast), a directive (`%YAML 1.1` changes what `yes` means), a null key
 * (`yaml` makes it `""`, js-yaml `"null"`). A false alarm only costs speed.
 */
const DIVERGENT = /(?:^|[\s[{,])![^\s=]|^%|^[ \t-]*(?:~|null|Null|NULL)[ \t]*:(?:\s|$)|[{,][ \t]*(?:~|null|Null|NULL)[ \t]*:/m;

/** The data of `text`, or `undefined` when it must be read by the positioned parser. */
export function fastYaml(text: string): { value: unknown } | undefined {
  if (DIVERGENT.test(text)) return undefined;
  try {
    // No aliases: js-yaml shares the aliased object where `yaml` copies it and guards
    // against alias bombs; configs with aliases are small and go the careful way.
    return { value: load(text, { schema, maxAliases: 0 }) ?? null };
  } catch {
    return undefined;
  }
}

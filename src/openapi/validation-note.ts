/**
 * The journal line a validation leaves (`validation: {"valid":…}`), written by OpenAPI routes and
 * `receives:` routes and read back as `validation` in `where=` filters. A note, not a new journal
 * column: every storage backend keeps it as it is.
 */
export interface ValidationRecord {
  valid: boolean;
  /** `operation createPayment`, `webhook newPet`. */
  against: string;
  errors: { pointer: string; message: string }[];
}

const PREFIX = "validation: ";

export function validationNote(against: string, result: { valid: boolean; errors: { pointer: string; message: string }[] }): string {
  return PREFIX + JSON.stringify({ valid: result.valid, against, errors: result.errors });
}

/** The last validation recorded in an entry's notes, or null when none ran. */
export function validationOf(notes: readonly string[]): ValidationRecord | null {
  for (let i = notes.length - 1; i >= 0; i--) {
    const n = notes[i]!;
    if (!n.startsWith(PREFIX)) continue;
    try {
      return JSON.parse(n.slice(PREFIX.length)) as ValidationRecord;
    } catch {
      return null;
    }
  }
  return null;
}

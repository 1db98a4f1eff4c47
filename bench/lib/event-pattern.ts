/**
 * The subset of EventBridge event-pattern matching that the construct's patterns use, applied as Lambda
 * applies an event source mapping's filter and as EventBridge applies a rule:
 * - a pattern is an object; every key in it must match (AND); keys the pattern does not name are ignored;
 * - an object value matches an object field of the same name, recursively;
 * - an array value matches when the field (or, for an array field, any of its elements) equals any entry (OR)
 *   — exact matching of strings, numbers, booleans and null;
 * - `{ "exists": true }` matches a field that is present and is a leaf (not an object), `{ "exists": false }` one
 *   that is absent.
 * Any other operator (prefix, suffix, anything-but, numeric, cidr, equals-ignore-case, wildcard) is refused
 * with an error rather than guessed.
 * Lambda filters a Kinesis record on its metadata plus `data`: the record's base64-decoded payload parsed as
 * JSON. A payload that is not JSON has no `data` to match, so a pattern on `data` does not match it.
 */

export type Pattern = { readonly [key: string]: Pattern | readonly unknown[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matchesEntry(entry: unknown, field: unknown, present: boolean): boolean {
  if (isObject(entry)) {
    const operators = Object.keys(entry);
    if (operators.length === 1 && operators[0] === 'exists') {
      const leaf = present && !isObject(field) && !Array.isArray(field);
      return entry.exists === true ? leaf : !present;
    }
    throw new Error(`unsupported filter operator ${JSON.stringify(entry)}`);
  }
  if (!present) return false;
  if (Array.isArray(field)) return field.some((element) => element === entry);
  return field === entry;
}

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const present = isObject(event) && Object.prototype.hasOwnProperty.call(event, key);
    const field = present ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(rule)) return rule.some((entry) => matchesEntry(entry, field, present));
    if (isObject(rule)) {
      // A nested pattern with only `exists: false` entries also matches when the parent is absent.
      return matchesPattern(rule as Pattern, present ? field : undefined);
    }
    throw new Error(`pattern value for ${key} must be an array or an object, got ${JSON.stringify(rule)}`);
  });
}

/** Whether any of the filters (ORed, as Lambda does) lets a Kinesis record through. */
export function kinesisRecordPasses(
  filters: readonly Pattern[],
  record: { kinesis: { data: string; partitionKey: string; sequenceNumber: string } },
): boolean {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
  } catch {
    data = undefined;
  }
  const filterable = {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.kinesis.partitionKey,
    sequenceNumber: record.kinesis.sequenceNumber,
    ...(data === undefined ? {} : { data }),
  };
  return filters.some((filter) => matchesPattern(filter, filterable));
}

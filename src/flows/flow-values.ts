/**
 * The vocabulary of flow-language parameter values that the action table (action-specs.ts) and the checker
 * (flow-checker.ts) share: how a value may be given (static, a JSONPath, either), CDK tokens, the values an
 * enumeration allows, and the JSONPath references embedded in prompt text.
 */

export type Parameters = Record<string, unknown>;
/** Reports one defect of the action being checked. */
export type ActionReport = (message: string) => void;

/** A JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a list, else an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Whether the value is a whole number from min to max, written as a string, as flow language writes numbers. */
export function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'string' && /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
}

/**
 * How a parameter may be given, in the words of https://docs.aws.amazon.com/connect/latest/APIReference/
 * flow-language-actions-parameter-restrictions.html: "Must be defined statically" (no JSONPath at all, `static`);
 * "a single valid JSONPath identifier" (the whole value is one path, `path`: "My name is $.Name" is not one); or
 * either of the two (`staticOrPath`). A parameter without a form "may be defined statically or dynamically":
 * anything goes, text with embedded paths included. The construct fills ARNs with CDK tokens before checking; a
 * token ("${Token[TOKEN.123]}") is a static value (an ARN at deploy time), not a JSONPath.
 */
export type Form = 'static' | 'path' | 'staticOrPath';

/** A CDK token as it stands in a string before synthesis, e.g. `${Token[TOKEN.123]}`. */
export const TOKEN = /\$\{Token\[[^\]]*\]\}/;
/** A JSONPath reference starts with `$.` or `$[` (`$['AwsRegion']`); a token starts with `${`. */
export const PATH_START = /\$[.[]/;
/** One path segment: `.name`, `['any name']` or `.['any name']` (adminguide/how-to-reference-attributes.html), `[0]`. */
export const PATH_SEGMENT = String.raw`(?:\.[A-Za-z0-9_-]+|\.?\['[^'\]]*'\]|\[\d+\])`;
export const SINGLE_PATH = new RegExp(`^\\$${PATH_SEGMENT}+$`);

/** Whether any string in the value (keys of objects included) holds a JSONPath reference. */
export function holdsPath(value: unknown): boolean {
  if (typeof value === 'string') return PATH_START.test(value);
  if (Array.isArray(value)) return value.some(holdsPath);
  if (isObject(value)) return Object.entries(value).some(([key, child]) => PATH_START.test(key) || holdsPath(child));
  return false;
}

/** Whether a value is a string whose content is not known at synth: it holds a JSONPath or a token. */
export function unknownAtSynth(value: unknown): boolean {
  return typeof value === 'string' && (PATH_START.test(value) || TOKEN.test(value));
}

/** "A" or "B"; one of "A", "B", "C". */
function choice(values: readonly string[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  return quoted.length === 2 ? `${quoted[0]} or ${quoted[1]}` : `one of ${quoted.join(', ')}`;
}

/** Reports a value that is not one of `values`; a value not known at synth (a JSONPath, a token) is left alone. */
export function checkOneOf(label: string, value: unknown, values: readonly string[], report: ActionReport): void {
  if (!unknownAtSynth(value) && !(typeof value === 'string' && values.includes(value))) report(`${label} must be ${choice(values)}, got ${JSON.stringify(value)}`);
}

/** Reports a value that holds a JSONPath; true if it holds none. */
export function checkStatic(label: string, value: unknown, report: ActionReport): boolean {
  if (!holdsPath(value)) return true;
  report(`${label} must be defined statically (no JSONPath), got ${JSON.stringify(value)}`);
  return false;
}

/** The object a parameter holds, with its fields other than `fields` reported; undefined (and reported) if it is no object. */
export function fieldsOf(label: string, value: unknown, fields: readonly string[], report: ActionReport): Record<string, unknown> | undefined {
  if (!isObject(value)) {
    report(`${label} must be an object with ${fields.join(', ')}`);
    return undefined;
  }
  for (const name of Object.keys(value)) if (!fields.includes(name)) report(`${label} has no field ${name}`);
  return value;
}

/** What is wrong with the way a value is given, if anything, for a parameter of the given form. */
export function formProblem(value: unknown, form: Form): string | undefined {
  if (form === 'static') return holdsPath(value) ? 'must be defined statically (no JSONPath)' : undefined;
  const single = typeof value === 'string' && SINGLE_PATH.test(value);
  if (form === 'path') return single ? undefined : 'must be a single JSONPath reference such as "$.Attributes.name" (it cannot be set statically)';
  return single || !holdsPath(value) ? undefined : 'must be static or a single JSONPath reference, not text around one';
}

/** A JSONPath reference embedded in text: `$` and its segments, as long as they go. */
const EMBEDDED_PATH = new RegExp(`\\$${PATH_SEGMENT}+`, 'g');

/**
 * A JSONPath reference in prompt text must be followed by white space, a tag or the end of the text. Text and SSML
 * "may be defined statically or dynamically" (flow-language-actions-parameter-restrictions.html), so references such
 * as "Hello $.Attributes.name" are read out as their values; but the docs are silent on where a reference ends:
 * nothing says whether the "." that ends a sentence, or a ",", is read as part of the path (the admin guide's own
 * example, create-dynamic-text-strings.html, puts a "," right after one, and some console exports a "."), and no
 * escape is documented. Any character that might continue a path is a finding, so that the placeholder is read
 * as meant: follow a reference with a space or a closing tag instead.
 */
export function checkPromptReferences(name: string, text: unknown, report: ActionReport): void {
  if (typeof text !== 'string') return;
  for (const reference of text.matchAll(EMBEDDED_PATH)) {
    const next = text.charAt(reference.index! + reference[0].length);
    if (next !== '' && next !== '<' && !/\s/.test(next)) {
      report(`${name}: the reference ${reference[0]} is directly followed by ${JSON.stringify(next)}, which may be read as part of it; follow it with a space or a tag`);
    }
  }
}

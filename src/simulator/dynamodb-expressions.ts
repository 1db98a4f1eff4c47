/**
 * DynamoDB condition, update and projection expressions for the embedded store (embedded-dynamodb.ts): a parser
 * and an evaluator following the DynamoDB developer guide's expression reference (comparison operators and
 * functions, update expression clauses, document paths). Where DynamoDB's behaviour is not written down (e.g. a
 * comparison with a missing attribute) it follows what DynamoDB Local does; test/simulator/embedded-dynamodb.test.ts
 * runs the same requests against both and compares.
 *
 * Not implemented, on purpose (the store serves the shipped handlers, which never come near it): the item size limit.
 */
import { RESERVED_WORDS } from './dynamodb-reserved-words';

export interface AttributeValue {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  SS?: string[];
  NS?: string[];
  BS?: string[];
}

export type Item = Record<string, AttributeValue>;

/** A request DynamoDB refuses before touching any item (HTTP 400 ValidationException). */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export type PathElement = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'index'; readonly index: number };
export type DocumentPath = readonly PathElement[];

export type Operand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue; readonly placeholder: string }
  | { readonly kind: 'size'; readonly path: DocumentPath };

export type Condition =
  | { readonly kind: 'or' | 'and'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'compare'; readonly operator: ComparisonOperator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly candidates: readonly Operand[] }
  | { readonly kind: 'function'; readonly name: ConditionFunction; readonly path: DocumentPath; readonly argument?: Operand };

type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
type ConditionFunction = 'attribute_exists' | 'attribute_not_exists' | 'attribute_type' | 'begins_with' | 'contains';

export type SetValue =
  | { readonly kind: 'operand'; readonly operand: Operand }
  | { readonly kind: 'if_not_exists'; readonly path: DocumentPath; readonly fallback: SetValue }
  | { readonly kind: 'list_append'; readonly first: SetValue; readonly second: SetValue }
  | { readonly kind: 'arithmetic'; readonly operator: '+' | '-'; readonly left: SetValue; readonly right: SetValue };

export interface UpdateActions {
  readonly set: ReadonlyArray<{ readonly path: DocumentPath; readonly value: SetValue }>;
  readonly remove: readonly DocumentPath[];
  readonly add: ReadonlyArray<{ readonly path: DocumentPath; readonly value: AttributeValue }>;
  readonly delete: ReadonlyArray<{ readonly path: DocumentPath; readonly value: AttributeValue }>;
}

/**
 * The placeholders of one request. Every #name and :value it defines must be used by one of its expressions,
 * and every one an expression uses must be defined, or DynamoDB refuses the request.
 */
export class Placeholders {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    private readonly names: Record<string, string> = {},
    private readonly values: Record<string, AttributeValue> = {},
  ) {}

  name(placeholder: string): string {
    const name = this.names[placeholder];
    if (name === undefined) {
      throw new ValidationError(`An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`);
    }
    this.usedNames.add(placeholder);
    return name;
  }

  value(placeholder: string): AttributeValue {
    const value = this.values[placeholder];
    if (value === undefined) {
      throw new ValidationError(`An expression attribute value used in expression is not defined; attribute value: ${placeholder}`);
    }
    this.usedValues.add(placeholder);
    return value;
  }

  /** Call after parsing every expression of the request. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((name) => !this.usedNames.has(name));
    if (unusedNames.length > 0) {
      throw new ValidationError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    }
    const unusedValues = Object.keys(this.values).filter((value) => !this.usedValues.has(value));
    if (unusedValues.length > 0) {
      throw new ValidationError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'symbol'; readonly text: string }
  | { readonly kind: 'end'; readonly text: '' };

const SYMBOLS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', '[', ']', '+', '-'];

function tokenize(expression: string, what: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expression.length) {
    const rest = expression.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const match = /^#[A-Za-z0-9_]+/.exec(rest) ?? /^:[A-Za-z0-9_]+/.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ?? /^[0-9]+/.exec(rest);
    if (match) {
      const text = match[0];
      const kind = text.startsWith('#') ? 'name' : text.startsWith(':') ? 'value' : /^[0-9]/.test(text) ? 'number' : 'word';
      tokens.push({ kind, text } as Token);
      at += text.length;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => rest.startsWith(candidate));
    if (!symbol) throw new ValidationError(`Invalid ${what}: Syntax error; token: "${rest[0]}", near: "${rest.slice(0, 10)}"`);
    tokens.push({ kind: 'symbol', text: symbol });
    at += symbol.length;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

class Parser {
  private position = 0;
  private readonly tokens: Token[];

  constructor(expression: string, private readonly what: string, private readonly placeholders: Placeholders) {
    if (expression.trim() === '') throw new ValidationError(`Invalid ${what}: The expression can not be empty;`);
    this.tokens = tokenize(expression, what);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'word' && token.text.toUpperCase() === word;
  }

  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) throw this.syntaxError();
    this.next();
  }

  expectWord(word: string): void {
    if (!this.isWord(word)) throw this.syntaxError();
    this.next();
  }

  expectEnd(): void {
    if (this.peek().kind !== 'end') throw this.syntaxError();
  }

  syntaxError(): ValidationError {
    const token = this.peek();
    return new ValidationError(`Invalid ${this.what}: Syntax error; token: "${token.kind === 'end' ? '<EOF>' : token.text}"`);
  }

  error(message: string): ValidationError {
    return new ValidationError(`Invalid ${this.what}: ${message}`);
  }

  path(): DocumentPath {
    const elements: PathElement[] = [this.pathName()];
    for (;;) {
      if (this.isSymbol('.')) {
        this.next();
        elements.push(this.pathName());
      } else if (this.isSymbol('[')) {
        this.next();
        const index = this.next();
        if (index.kind !== 'number') throw this.syntaxError();
        this.expectSymbol(']');
        elements.push({ kind: 'index', index: Number(index.text) });
      } else {
        return elements;
      }
    }
  }

  private pathName(): PathElement {
    const token = this.next();
    if (token.kind === 'name') return { kind: 'name', name: this.placeholders.name(token.text) };
    if (token.kind === 'word') {
      if (RESERVED_WORDS.has(token.text.toUpperCase())) throw this.error(`Attribute name is a reserved keyword; reserved keyword: ${token.text}`);
      return { kind: 'name', name: token.text };
    }
    this.position--;
    throw this.syntaxError();
  }

  value(): AttributeValue & { placeholder: string } {
    const token = this.next();
    if (token.kind !== 'value') {
      this.position--;
      throw this.syntaxError();
    }
    return { ...this.placeholders.value(token.text), placeholder: token.text };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Condition expressions (also FilterExpression): OR < AND < NOT < comparisons and functions, as documented.

export function parseCondition(expression: string, placeholders: Placeholders, what = 'ConditionExpression'): Condition {
  const parser = new Parser(expression, what, placeholders);
  const condition = parseOr(parser);
  parser.expectEnd();
  return condition;
}

function parseOr(parser: Parser): Condition {
  let left = parseAnd(parser);
  while (parser.isWord('OR')) {
    parser.next();
    left = { kind: 'or', left, right: parseAnd(parser) };
  }
  return left;
}

function parseAnd(parser: Parser): Condition {
  let left = parseNot(parser);
  while (parser.isWord('AND')) {
    parser.next();
    left = { kind: 'and', left, right: parseNot(parser) };
  }
  return left;
}

function parseNot(parser: Parser): Condition {
  if (parser.isWord('NOT')) {
    parser.next();
    return { kind: 'not', operand: parseNot(parser) };
  }
  return parsePredicate(parser);
}

const CONDITION_FUNCTIONS: readonly ConditionFunction[] = ['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains'];

function parsePredicate(parser: Parser): Condition {
  if (parser.isSymbol('(')) {
    parser.next();
    const inner = parseOr(parser);
    parser.expectSymbol(')');
    return inner;
  }
  const token = parser.peek();
  const followedByParenthesis = parser.peek(1).kind === 'symbol' && parser.peek(1).text === '(';
  if (token.kind === 'word' && followedByParenthesis && token.text !== 'size') {
    const name = token.text as ConditionFunction;
    if (!CONDITION_FUNCTIONS.includes(name)) throw parser.error(`Invalid function name; function: ${token.text}`);
    parser.next();
    parser.expectSymbol('(');
    const path = parser.path();
    let argument: Operand | undefined;
    if (name === 'attribute_type' || name === 'begins_with' || name === 'contains') {
      parser.expectSymbol(',');
      argument = parseOperand(parser);
    }
    parser.expectSymbol(')');
    if (name === 'begins_with' && argument?.kind === 'value' && argument.value.S === undefined && argument.value.B === undefined) {
      throw parser.error(`Incorrect operand type for operator or function; operator or function: begins_with, operand type: ${typeOf(argument.value)}`);
    }
    if (name === 'attribute_type') {
      const type = argument?.kind === 'value' ? argument.value.S : undefined;
      if (type === undefined || !TYPES.includes(type)) {
        throw parser.error(`Invalid attribute type name found; type: ${type ?? typeOf(argument?.kind === 'value' ? argument.value : {})}, valid types: {${TYPES.join(',')}}`);
      }
    }
    return { kind: 'function', name, path, argument };
  }
  const operand = parseOperand(parser);
  if (parser.isWord('BETWEEN')) {
    parser.next();
    const low = parseOperand(parser);
    parser.expectWord('AND');
    const high = parseOperand(parser);
    if (low.kind === 'value' && high.kind === 'value') {
      checkOrderable(parser, 'BETWEEN', low.value);
      checkOrderable(parser, 'BETWEEN', high.value);
      if (typeOf(low.value) === typeOf(high.value) && compareOrdered(low.value, high.value) > 0) {
        throw parser.error(`The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {${describe(low.value)}}, upper bound operand: AttributeValue: {${describe(high.value)}}`);
      }
    }
    checkDistinct(parser, 'BETWEEN', operand, [low, high]);
    return { kind: 'between', operand, low, high };
  }
  if (parser.isWord('IN')) {
    parser.next();
    parser.expectSymbol('(');
    const candidates = [parseOperand(parser)];
    while (parser.isSymbol(',')) {
      parser.next();
      candidates.push(parseOperand(parser));
    }
    parser.expectSymbol(')');
    if (candidates.length > 100) throw parser.error('The IN operator is provided with too many operands; number of operands: ' + candidates.length);
    checkDistinct(parser, 'IN', operand, candidates);
    return { kind: 'in', operand, candidates };
  }
  const operator = parser.peek();
  if (operator.kind !== 'symbol' || !['=', '<>', '<', '<=', '>', '>='].includes(operator.text)) throw parser.syntaxError();
  parser.next();
  const right = parseOperand(parser);
  const comparison = operator.text as ComparisonOperator;
  if (comparison !== '=' && comparison !== '<>') {
    if (operand.kind === 'value') checkOrderable(parser, comparison, operand.value);
    if (right.kind === 'value') checkOrderable(parser, comparison, right.value);
  }
  checkDistinct(parser, comparison, operand, [right]);
  return { kind: 'compare', operator: comparison, left: operand, right };
}

/** DynamoDB refuses comparing a path with itself (`a = a`, `a IN (:v, a)`): the answer would not depend on the item. */
function checkDistinct(parser: Parser, operator: string, first: Operand, others: readonly Operand[]): void {
  if (first.kind !== 'path') return;
  const text = pathText(first.path);
  if (others.some((other) => other.kind === 'path' && pathText(other.path) === text)) {
    throw parser.error(`The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: [${text}]`);
  }
}

function checkOrderable(parser: Parser, operator: string, value: AttributeValue): void {
  const type = typeOf(value);
  if (type !== 'S' && type !== 'N' && type !== 'B') {
    throw parser.error(`Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`);
  }
}

function parseOperand(parser: Parser): Operand {
  const token = parser.peek();
  if (token.kind === 'value') {
    const { placeholder, ...value } = parser.value();
    return { kind: 'value', value, placeholder };
  }
  if (token.kind === 'word' && token.text === 'size' && parser.peek(1).text === '(') {
    parser.next();
    parser.expectSymbol('(');
    const path = parser.path();
    parser.expectSymbol(')');
    return { kind: 'size', path };
  }
  return { kind: 'path', path: parser.path() };
}

export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  const target = item ?? {};
  switch (condition.kind) {
    case 'or':
      return evaluateCondition(condition.left, target) || evaluateCondition(condition.right, target);
    case 'and':
      return evaluateCondition(condition.left, target) && evaluateCondition(condition.right, target);
    case 'not':
      return !evaluateCondition(condition.operand, target);
    case 'compare': {
      const left = resolveOperand(condition.left, target);
      const right = resolveOperand(condition.right, target);
      return compare(condition.operator, left, right);
    }
    case 'between': {
      const value = resolveOperand(condition.operand, target);
      return compare('>=', value, resolveOperand(condition.low, target)) && compare('<=', value, resolveOperand(condition.high, target));
    }
    case 'in': {
      const value = resolveOperand(condition.operand, target);
      return condition.candidates.some((candidate) => compare('=', value, resolveOperand(candidate, target)));
    }
    case 'function':
      return evaluateFunction(condition, target);
  }
}

function evaluateFunction(condition: Extract<Condition, { kind: 'function' }>, item: Item): boolean {
  const value = getPath(item, condition.path);
  const argument = condition.argument ? resolveOperand(condition.argument, item) : undefined;
  switch (condition.name) {
    case 'attribute_exists':
      return value !== undefined;
    case 'attribute_not_exists':
      return value === undefined;
    case 'attribute_type':
      return value !== undefined && argument?.S === typeOf(value);
    case 'begins_with':
      if (value === undefined || argument === undefined) return false;
      if (value.S !== undefined && argument.S !== undefined) return value.S.startsWith(argument.S);
      if (value.B !== undefined && argument.B !== undefined) return Buffer.from(value.B, 'base64').subarray(0, Buffer.from(argument.B, 'base64').length).equals(Buffer.from(argument.B, 'base64'));
      return false;
    case 'contains':
      if (value === undefined || argument === undefined) return false;
      if (value.S !== undefined) return argument.S !== undefined && value.S.includes(argument.S);
      if (value.SS !== undefined) return argument.S !== undefined && value.SS.includes(argument.S);
      if (value.NS !== undefined) return argument.N !== undefined && value.NS.some((member) => Number(member) === Number(argument.N));
      if (value.BS !== undefined) return argument.B !== undefined && value.BS.includes(argument.B);
      if (value.L !== undefined) return value.L.some((member) => attributeEquals(member, argument));
      return false;
  }
}

function resolveOperand(operand: Operand, item: Item): AttributeValue | undefined {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return getPath(item, operand.path);
    case 'size': {
      const value = getPath(item, operand.path);
      const size = value === undefined ? undefined : sizeOf(value);
      return size === undefined ? undefined : { N: String(size) };
    }
  }
}

function sizeOf(value: AttributeValue): number | undefined {
  // UTF-16 code units, as DynamoDB Local counts them (a character outside the BMP counts 2).
  if (value.S !== undefined) return value.S.length;
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  const collection = value.SS ?? value.NS ?? value.BS ?? value.L;
  if (collection !== undefined) return collection.length;
  if (value.M !== undefined) return Object.keys(value.M).length;
  return undefined;
}

function compare(operator: ComparisonOperator, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
  if (left === undefined || right === undefined) return operator === '<>' && (left !== undefined || right !== undefined);
  if (operator === '=') return attributeEquals(left, right);
  if (operator === '<>') return !attributeEquals(left, right);
  const type = typeOf(left);
  if (type !== typeOf(right) || (type !== 'S' && type !== 'N' && type !== 'B')) return false;
  const order = compareOrdered(left, right);
  switch (operator) {
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
}

/** Strings by UTF-8 bytes, binaries as unsigned bytes, numbers by value. */
function compareOrdered(left: AttributeValue, right: AttributeValue): number {
  if (left.N !== undefined && right.N !== undefined) return compareNumbers(left.N, right.N);
  const leftBytes = left.S !== undefined ? Buffer.from(left.S, 'utf8') : Buffer.from(left.B ?? '', 'base64');
  const rightBytes = right.S !== undefined ? Buffer.from(right.S, 'utf8') : Buffer.from(right.B ?? '', 'base64');
  return Buffer.compare(leftBytes, rightBytes);
}

// ---------------------------------------------------------------------------------------------------------------
// Values

export const TYPES = ['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M'];

export function typeOf(value: AttributeValue): string {
  const present = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined);
  return present.length === 1 ? present[0] : '?';
}

function describe(value: AttributeValue): string {
  const type = typeOf(value);
  return `${type}:${JSON.stringify((value as Record<string, unknown>)[type])}`;
}

/** Exact decimal comparison (DynamoDB numbers have up to 38 digits; a double would round them). */
export function compareNumbers(left: string, right: string): number {
  const a = parseDecimal(left);
  const b = parseDecimal(right);
  if (a.negative !== b.negative) return a.digits === '0' && b.digits === '0' ? 0 : a.negative ? -1 : 1;
  const sign = a.negative ? -1 : 1;
  if (a.exponent !== b.exponent) return (a.digits === '0' ? -1 : b.digits === '0' ? 1 : a.exponent > b.exponent ? 1 : -1) * sign;
  const length = Math.max(a.digits.length, b.digits.length);
  const order = a.digits.padEnd(length, '0').localeCompare(b.digits.padEnd(length, '0'));
  return order * sign;
}

interface Decimal {
  readonly negative: boolean;
  /** Significant digits without leading or trailing zeros ('0' for zero). */
  readonly digits: string;
  /** The power of ten of the first digit. */
  readonly exponent: number;
}

function parseDecimal(text: string): Decimal {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new ValidationError(`The parameter cannot be converted to a numeric value: ${text}`);
  }
  const integer = match[2];
  const fraction = match[3] ?? '';
  const all = integer + fraction;
  const firstSignificant = all.search(/[1-9]/);
  if (firstSignificant < 0) return { negative: false, digits: '0', exponent: 0 };
  const digits = all.slice(firstSignificant).replace(/0+$/, '');
  const exponent = integer.length - firstSignificant - 1 + Number(match[4] ?? 0);
  return { negative: match[1] === '-', digits, exponent };
}

/** DynamoDB's canonical text of a number: no exponent, no leading or trailing zeros ("1.50" -> "1.5"). */
export function canonicalNumber(text: string): string {
  const { negative, digits, exponent } = parseDecimal(text);
  if (digits === '0') return '0';
  if (digits.length > 38) throw new ValidationError('Attempting to store more than 38 significant digits in a Number');
  if (exponent > 125 || exponent < -130) throw new ValidationError('Number overflow. Attempting to store a number with magnitude larger than supported range');
  let body: string;
  if (exponent >= digits.length - 1) body = digits + '0'.repeat(exponent - digits.length + 1);
  else if (exponent >= 0) body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return negative ? `-${body}` : body;
}

/** Exact decimal addition of two canonical numbers. */
export function addNumbers(left: string, right: string): string {
  const a = parseDecimal(left);
  const b = parseDecimal(right);
  const scale = Math.max(a.digits.length - 1 - a.exponent, b.digits.length - 1 - b.exponent, 0);
  const toBig = (d: Decimal) => {
    if (d.digits === '0') return 0n;
    const shift = scale - (d.digits.length - 1 - d.exponent);
    const magnitude = BigInt(d.digits) * 10n ** BigInt(shift);
    return d.negative ? -magnitude : magnitude;
  };
  const sum = toBig(a) + toBig(b);
  const negative = sum < 0n;
  const magnitude = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? magnitude : `${magnitude.slice(0, magnitude.length - scale)}.${magnitude.slice(magnitude.length - scale)}`;
  return canonicalNumber(negative ? `-${text}` : text);
}

export function attributeEquals(left: AttributeValue, right: AttributeValue): boolean {
  const type = typeOf(left);
  if (type !== typeOf(right)) return false;
  switch (type) {
    case 'S': return left.S === right.S;
    case 'N': return compareNumbers(left.N!, right.N!) === 0;
    case 'B': return Buffer.from(left.B!, 'base64').equals(Buffer.from(right.B!, 'base64'));
    case 'BOOL': return left.BOOL === right.BOOL;
    case 'NULL': return true;
    case 'SS': return sameMembers(left.SS!, right.SS!, (a, b) => a === b);
    case 'NS': return sameMembers(left.NS!, right.NS!, (a, b) => compareNumbers(a, b) === 0);
    case 'BS': return sameMembers(left.BS!, right.BS!, (a, b) => Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64')));
    case 'L': return left.L!.length === right.L!.length && left.L!.every((member, index) => attributeEquals(member, right.L![index]));
    case 'M': {
      const keys = Object.keys(left.M!);
      return keys.length === Object.keys(right.M!).length
        && keys.every((key) => right.M![key] !== undefined && attributeEquals(left.M![key], right.M![key]));
    }
    default: return false;
  }
}

function sameMembers<T>(left: readonly T[], right: readonly T[], equal: (a: T, b: T) => boolean): boolean {
  return left.length === right.length && left.every((member) => right.some((other) => equal(member, other)));
}

// ---------------------------------------------------------------------------------------------------------------
// Document paths

export function getPath(item: Item, path: DocumentPath): AttributeValue | undefined {
  let current: AttributeValue | undefined = { M: item };
  for (const element of path) {
    if (current === undefined) return undefined;
    if (element.kind === 'name') current = current.M?.[element.name];
    else current = current.L?.[element.index];
  }
  return current;
}

export function pathText(path: DocumentPath): string {
  return path.map((element, index) => element.kind === 'index' ? `[${element.index}]` : index === 0 ? element.name : `.${element.name}`).join('');
}

/** Whether one path is a prefix of (or equal to) the other: DynamoDB refuses such pairs in one update. */
function overlaps(left: DocumentPath, right: DocumentPath): boolean {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const a = left[index];
    const b = right[index];
    if (a.kind !== b.kind) return false;
    if (a.kind === 'name' ? a.name !== (b as typeof a).name : a.index !== (b as typeof a).index) return false;
  }
  return true;
}

const INVALID_UPDATE_PATH = 'The document path provided in the update expression is invalid for update';

/** Writes `value` at `path` in `item` (mutating it); the parent must exist, as in DynamoDB. */
function setPath(item: Item, path: DocumentPath, value: AttributeValue): void {
  const parent = path.length === 1 ? { M: item } : getPath(item, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last.kind === 'name') {
    if (parent?.M === undefined) throw new ValidationError(INVALID_UPDATE_PATH);
    parent.M[last.name] = value;
  } else {
    if (parent?.L === undefined) throw new ValidationError(INVALID_UPDATE_PATH);
    // An index past the end appends, as DynamoDB documents for SET on a list element.
    if (last.index >= parent.L.length) parent.L.push(value);
    else parent.L[last.index] = value;
  }
}

function removePath(item: Item, path: DocumentPath): void {
  const parent = path.length === 1 ? { M: item } : getPath(item, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last.kind === 'name') {
    if (parent !== undefined && parent.M === undefined) throw new ValidationError(INVALID_UPDATE_PATH);
    if (parent?.M) delete parent.M[last.name];
  } else {
    if (parent !== undefined && parent.L === undefined) throw new ValidationError(INVALID_UPDATE_PATH);
    if (parent?.L && last.index < parent.L.length) parent.L.splice(last.index, 1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Update expressions

export function parseUpdate(expression: string, placeholders: Placeholders): UpdateActions {
  const parser = new Parser(expression, 'UpdateExpression', placeholders);
  const actions = { set: [], remove: [], add: [], delete: [] } as {
    set: Array<UpdateActions['set'][number]>; remove: DocumentPath[]; add: Array<UpdateActions['add'][number]>; delete: Array<UpdateActions['delete'][number]>;
  };
  const seen = new Set<string>();
  while (parser.peek().kind !== 'end') {
    const clause = parser.next();
    const keyword = clause.kind === 'word' ? clause.text.toUpperCase() : '';
    if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(keyword)) throw new ValidationError(`Invalid UpdateExpression: Syntax error; token: "${clause.text || '<EOF>'}"`);
    if (seen.has(keyword)) throw parser.error(`The "${keyword}" section can only be used once in an update expression;`);
    seen.add(keyword);
    do {
      if (keyword === 'SET') {
        const path = parser.path();
        parser.expectSymbol('=');
        actions.set.push({ path, value: parseSetValue(parser) });
      } else if (keyword === 'REMOVE') {
        actions.remove.push(parser.path());
      } else {
        const path = parser.path();
        const { placeholder: _placeholder, ...value } = parser.value();
        const type = typeOf(value);
        const allowed = keyword === 'ADD' ? ['N', 'SS', 'NS', 'BS'] : ['SS', 'NS', 'BS'];
        if (!allowed.includes(type)) {
          throw parser.error(`Incorrect operand type for operator or function; operator: ${keyword}, operand type: ${type}`);
        }
        (keyword === 'ADD' ? actions.add : actions.delete).push({ path, value });
      }
      if (!parser.isSymbol(',')) break;
      parser.next();
    } while (parser.peek().kind !== 'end');
  }
  const paths = updatedPaths(actions);
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      if (overlaps(paths[i], paths[j])) {
        throw parser.error(`Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${pathText(paths[i])}], path two: [${pathText(paths[j])}]`);
      }
    }
  }
  return actions;
}

function parseSetValue(parser: Parser): SetValue {
  const left = parseSetOperand(parser);
  if (parser.isSymbol('+') || parser.isSymbol('-')) {
    const operator = parser.next().text as '+' | '-';
    return { kind: 'arithmetic', operator, left, right: parseSetOperand(parser) };
  }
  return left;
}

function parseSetOperand(parser: Parser): SetValue {
  const token = parser.peek();
  const isCall = token.kind === 'word' && parser.peek(1).text === '(';
  if (isCall && token.text === 'if_not_exists') {
    parser.next();
    parser.expectSymbol('(');
    const path = parser.path();
    parser.expectSymbol(',');
    const fallback = parseSetValue(parser);
    parser.expectSymbol(')');
    return { kind: 'if_not_exists', path, fallback };
  }
  if (isCall && token.text === 'list_append') {
    parser.next();
    parser.expectSymbol('(');
    const first = parseSetValue(parser);
    parser.expectSymbol(',');
    const second = parseSetValue(parser);
    parser.expectSymbol(')');
    return { kind: 'list_append', first, second };
  }
  if (isCall) throw parser.error(`Invalid function name; function: ${token.text}`);
  return { kind: 'operand', operand: parseOperand(parser) };
}

const MISSING_ATTRIBUTE = 'The provided expression refers to an attribute that does not exist in the item';
const WRONG_OPERAND_TYPE = 'An operand in the update expression has an incorrect data type';

function evaluateSetValue(value: SetValue, item: Item): AttributeValue {
  switch (value.kind) {
    case 'operand': {
      if (value.operand.kind === 'size') throw new ValidationError('Invalid UpdateExpression: The function is not allowed in an update expression; function: size');
      const resolved = resolveOperand(value.operand, item);
      if (resolved === undefined) throw new ValidationError(MISSING_ATTRIBUTE);
      return clone(resolved);
    }
    case 'if_not_exists': {
      const existing = getPath(item, value.path);
      return existing !== undefined ? clone(existing) : evaluateSetValue(value.fallback, item);
    }
    case 'list_append': {
      const first = evaluateSetValue(value.first, item);
      const second = evaluateSetValue(value.second, item);
      if (first.L === undefined || second.L === undefined) throw new ValidationError(WRONG_OPERAND_TYPE);
      return { L: [...first.L, ...second.L] };
    }
    case 'arithmetic': {
      const left = evaluateSetValue(value.left, item);
      const right = evaluateSetValue(value.right, item);
      if (left.N === undefined || right.N === undefined) throw new ValidationError(WRONG_OPERAND_TYPE);
      return { N: addNumbers(left.N, value.operator === '+' ? right.N : negate(right.N)) };
    }
  }
}

function negate(number: string): string {
  return number.startsWith('-') ? number.slice(1) : `-${number}`;
}

/**
 * The item after `actions`, leaving `item` untouched. Every right-hand side is read from the item as it was
 * before the update, as DynamoDB does.
 */
export function applyUpdate(item: Item, actions: UpdateActions): Item {
  const values = actions.set.map((action) => evaluateSetValue(action.value, item));
  const updated = clone({ M: item }).M!;
  actions.set.forEach((action, index) => setPath(updated, action.path, values[index]));
  // Removals of list elements run from the highest index down, so one removal does not shift the next.
  const removals = [...actions.remove].sort((a, b) => {
    const last = (path: DocumentPath) => path[path.length - 1];
    const x = last(a);
    const y = last(b);
    return x.kind === 'index' && y.kind === 'index' ? y.index - x.index : 0;
  });
  for (const path of removals) removePath(updated, path);
  for (const { path, value } of actions.add) {
    const existing = getPath(updated, path);
    if (existing === undefined) {
      setPath(updated, path, clone(value));
    } else if (value.N !== undefined) {
      if (existing.N === undefined) throw new ValidationError(WRONG_OPERAND_TYPE);
      setPath(updated, path, { N: addNumbers(existing.N, value.N) });
    } else {
      const type = sameSetType(existing, value);
      setPath(updated, path, { [type]: union(type, setMembers(existing), setMembers(value)) });
    }
  }
  for (const { path, value } of actions.delete) {
    const existing = getPath(updated, path);
    if (existing === undefined) continue;
    const type = sameSetType(existing, value);
    const removed = setMembers(value);
    const remaining = setMembers(existing).filter((member) => !removed.some((gone) => setMemberEquals(type, member, gone)));
    if (remaining.length === 0) removePath(updated, path);
    else setPath(updated, path, { [type]: remaining });
  }
  return updated;
}

/** The set type both values share; ADD and DELETE refuse anything else. */
function sameSetType(existing: AttributeValue, value: AttributeValue): 'SS' | 'NS' | 'BS' {
  const type = typeOf(value);
  if (typeOf(existing) !== type || (type !== 'SS' && type !== 'NS' && type !== 'BS')) throw new ValidationError(WRONG_OPERAND_TYPE);
  return type;
}

function setMembers(value: AttributeValue): string[] {
  return value.SS ?? value.NS ?? value.BS ?? [];
}

function setMemberEquals(type: string, a: string, b: string): boolean {
  if (type === 'NS') return compareNumbers(a, b) === 0;
  return a === b;
}

function union(type: string, existing: readonly string[], added: readonly string[]): string[] {
  const result = [...existing];
  for (const member of added) if (!result.some((present) => setMemberEquals(type, present, member))) result.push(member);
  return result;
}

/** The paths an update wrote or removed: UPDATED_OLD and UPDATED_NEW return what is at those. */
export function updatedPaths(actions: UpdateActions): DocumentPath[] {
  return [...actions.set.map((a) => a.path), ...actions.remove, ...actions.add.map((a) => a.path), ...actions.delete.map((a) => a.path)];
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Projection expressions

export function parseProjection(expression: string, placeholders: Placeholders): DocumentPath[] {
  const parser = new Parser(expression, 'ProjectionExpression', placeholders);
  const paths = [parser.path()];
  while (parser.isSymbol(',')) {
    parser.next();
    paths.push(parser.path());
  }
  parser.expectEnd();
  return paths;
}

export function project(item: Item, paths: readonly DocumentPath[]): Item {
  const result: Item = {};
  for (const path of paths) {
    const value = getPath(item, path);
    if (value === undefined) continue;
    // Rebuild the containers along the path; list elements picked by index keep their relative order.
    let target: AttributeValue = { M: result };
    path.forEach((element, index) => {
      const last = index === path.length - 1;
      if (element.kind === 'name') {
        target.M![element.name] ??= last ? clone(value) : (path[index + 1].kind === 'name' ? { M: {} } : { L: [] });
        target = target.M![element.name];
      } else {
        const next: AttributeValue = last ? clone(value) : (path[index + 1].kind === 'name' ? { M: {} } : { L: [] });
        target.L!.push(next);
        target = next;
      }
    });
  }
  return result;
}

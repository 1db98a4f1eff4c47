/**
 * The simulator's embedded store (src/simulator/embedded-dynamodb.ts) against DynamoDB Local: every request goes to
 * both through the real AWS SDK client, and what each answers (output, error name, returned items, cancellation
 * reasons) and what each table holds afterwards must be the same. Error messages are not compared (DynamoDB's
 * wording is not an API); error names are.
 */
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { RESERVED_WORDS } from '../../src/simulator/dynamodb-reserved-words';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../src/simulator/embedded-dynamodb';
import { type DynamoDbServer, startDynamoDbServer, testClient } from '../support/dynamodb-server';

type Request =
  | { readonly op: 'put'; readonly input: Omit<PutItemCommandInput, 'TableName'> }
  | { readonly op: 'update'; readonly input: Omit<UpdateItemCommandInput, 'TableName'> }
  | { readonly op: 'delete'; readonly input: Omit<DeleteItemCommandInput, 'TableName'> }
  | { readonly op: 'get'; readonly input: Omit<GetItemCommandInput, 'TableName'> }
  | { readonly op: 'scan'; readonly input?: Omit<ScanCommandInput, 'TableName'> }
  // Transaction items without TableName: withTable() adds it.
  | { readonly op: 'transact'; readonly input: { ClientRequestToken?: string; TransactItems: Array<Record<string, object>> } };

let local: DynamoDbServer;
let embedded: EmbeddedDynamoDb;
let localClient: DynamoDBClient;
let embeddedClient: DynamoDBClient;
let tableCount = 0;

beforeAll(async () => {
  [local, embedded] = await Promise.all([startDynamoDbServer({ backend: 'dynamodb-local' }), startEmbeddedDynamoDb()]);
  localClient = testClient(local.endpoint);
  embeddedClient = testClient(embedded.endpoint);
});

afterAll(async () => {
  localClient?.destroy();
  embeddedClient?.destroy();
  await Promise.all([local?.stop(), embedded?.stop()]);
});

/** A new table of the same name in both stores: hash key `pk` (S), or `pk` + range key `sk` (N). */
async function newTable(withRange = false): Promise<string> {
  const name = `conformance-${++tableCount}`;
  const input = {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }, ...(withRange ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }, ...(withRange ? [{ AttributeName: 'sk', AttributeType: 'N' as const }] : [])],
  };
  await Promise.all([localClient.send(new CreateTableCommand(input)), embeddedClient.send(new CreateTableCommand(input))]);
  return name;
}

function withTable(tableName: string, request: Request) {
  switch (request.op) {
    case 'put': return new PutItemCommand({ TableName: tableName, ...request.input });
    case 'update': return new UpdateItemCommand({ TableName: tableName, ...request.input });
    case 'delete': return new DeleteItemCommand({ TableName: tableName, ...request.input });
    case 'get': return new GetItemCommand({ TableName: tableName, ...request.input });
    case 'scan': return new ScanCommand({ TableName: tableName, ...request.input });
    case 'transact': return new TransactWriteItemsCommand({
      ...request.input,
      TransactItems: request.input.TransactItems.map((entry) => Object.fromEntries(
        Object.entries(entry).map(([kind, operation]) => [kind, { TableName: tableName, ...operation }]),
      )),
    });
  }
}

/** Set members in one order: a set has none (DynamoDB Local returns numbers sorted, the store as added). */
function sortSets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortSets);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  return Object.fromEntries(Object.entries(value).map(([name, member]) => {
    if ((name === 'SS' || name === 'NS') && Array.isArray(member)) return [name, [...member].sort()];
    if (name === 'BS' && Array.isArray(member)) return [name, [...member].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))];
    return [name, sortSets(member)];
  }));
}

/** What a store answered, without what may differ between two correct stores (request ids, wording, order). */
async function outcome(client: DynamoDBClient, tableName: string, request: Request): Promise<unknown> {
  try {
    const { $metadata: _metadata, ...output } = await client.send(withTable(tableName, request) as any) as Record<string, any>;
    if (output.Items) output.Items = sortItems(output.Items);
    delete output.ConsumedCapacity;
    return sortSets({ ok: output });
  } catch (error) {
    const failure = error as { name: string; Item?: unknown; CancellationReasons?: Array<{ Code?: string; Item?: unknown }> };
    if (!failure.name?.endsWith('Exception')) throw error;
    return sortSets({
      error: failure.name,
      ...(failure.Item ? { Item: failure.Item } : {}),
      ...(failure.CancellationReasons ? { reasons: failure.CancellationReasons.map(({ Code, Item }) => ({ Code, ...(Item ? { Item } : {}) })) } : {}),
    });
  }
}

function sortItems(items: Array<Record<string, AttributeValue>>): Array<Record<string, AttributeValue>> {
  const key = (item: Record<string, AttributeValue>) => JSON.stringify([item.pk, item.sk]);
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}

async function scanAll(client: DynamoDBClient, tableName: string): Promise<unknown[]> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, Limit: 2 }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return sortSets(sortItems(items)) as unknown[];
}

/** Sends each request to both stores in turn and expects the same answers and the same tables. */
async function expectSameBehaviour(requests: readonly Request[], options: { withRange?: boolean } = {}): Promise<unknown[]> {
  const tableName = await newTable(options.withRange);
  const answers: unknown[] = [];
  for (const [index, request] of requests.entries()) {
    const expected = await outcome(localClient, tableName, request);
    const actual = await outcome(embeddedClient, tableName, request);
    expect({ step: index, op: request.op, answer: actual }).toEqual({ step: index, op: request.op, answer: expected });
    answers.push(expected);
  }
  expect(await scanAll(embeddedClient, tableName)).toEqual(await scanAll(localClient, tableName));
  return answers;
}

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: string): AttributeValue => ({ N: value });
const key = (pk: string) => ({ Key: { pk: S(pk) } });

const FULL_ITEM: Record<string, AttributeValue> = {
  pk: S('a'),
  greeting: S('héllo wörld'),
  count: N('0010.500'),
  big: N('12345678901234567890123456789012345678'),
  small: N('-0.000001e-3'),
  zero: N('-0'),
  flag: { BOOL: false },
  nothing: { NULL: true },
  bytes: { B: Uint8Array.from([0, 1, 255]) },
  tags: { SS: ['x', 'y'] },
  numbers: { NS: ['1', '2.0', '30'] },
  nested: { M: { inside: { M: { deep: S('d') } }, entries: { L: [S('l0'), N('1'), { M: { k: S('v') } }] } } },
  entries: { L: [S('first'), S('second'), S('third')] },
};

test('items round-trip with numbers in canonical form; puts return ALL_OLD', async () => {
  await expectSameBehaviour([
    { op: 'put', input: { Item: FULL_ITEM } },
    { op: 'get', input: key('a') },
    { op: 'get', input: { ...key('a'), ProjectionExpression: 'nested.inside.deep, #l[1], #c, nested.#l[2].k, absent', ExpressionAttributeNames: { '#l': 'entries', '#c': 'count' } } },
    { op: 'put', input: { Item: { pk: S('a'), count: N('1') }, ReturnValues: 'ALL_OLD' } },
    { op: 'get', input: key('missing') },
    { op: 'delete', input: { ...key('a'), ReturnValues: 'ALL_OLD' } },
    { op: 'delete', input: { ...key('a'), ReturnValues: 'ALL_OLD' } },
  ]);
});

test('update expressions: SET, arithmetic, if_not_exists, list_append, nested paths, REMOVE, ADD, DELETE', async () => {
  const update = (expression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>, returnValues = 'ALL_NEW'): Request => ({
    op: 'update',
    input: { ...key('a'), UpdateExpression: expression, ExpressionAttributeValues: values, ExpressionAttributeNames: names, ReturnValues: returnValues as 'ALL_NEW' },
  });
  await expectSameBehaviour([
    { op: 'put', input: { Item: FULL_ITEM } },
    update('SET #c = #c + :one, spare = if_not_exists(spare, :one), greeting = if_not_exists(greeting, :s)', { ':one': N('1'), ':s': S('x') }, { '#c': 'count' }),
    update('SET #c = :ten - #c, #l = list_append(#l, :more), nested.inside.added = :s', { ':ten': N('10'), ':more': { L: [S('fourth')] }, ':s': S('new') }, { '#c': 'count', '#l': 'entries' }, 'UPDATED_NEW'),
    update('SET #l[1] = :s, #l[10] = :tail', { ':s': S('replaced'), ':tail': S('appended') }, { '#l': 'entries' }, 'UPDATED_OLD'),
    update('REMOVE #l[0], #l[2], flag, nested.inside.deep', undefined, { '#l': 'entries' }, 'ALL_OLD'),
    update('ADD numbers :ns, tags :ss, tally :five, fresh :ss', { ':ns': { NS: ['2', '4'] }, ':ss': { SS: ['y', 'z'] }, ':five': N('5') }),
    update('DELETE tags :all, numbers :two', { ':all': { SS: ['x', 'y', 'z'] }, ':two': { NS: ['2.00'] } }, undefined, 'UPDATED_NEW'),
    update('SET big = big + :tiny', { ':tiny': N('0.5') }, undefined, 'UPDATED_OLD'),
    update('set low = :v remove spare add tally :v', { ':v': N('2') }),
    // A missing item is created from its key; without an expression it holds the key alone.
    { op: 'update', input: { ...key('b'), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N('1') }, ReturnValues: 'ALL_NEW' } },
    { op: 'update', input: { ...key('c'), ReturnValues: 'ALL_NEW' } },
    { op: 'update', input: { ...key('d'), UpdateExpression: 'REMOVE nothing', ReturnValues: 'ALL_OLD' } },
  ]);
});

test('conditions: comparisons (also with missing attributes and other types), functions, BETWEEN, IN, NOT and precedence', async () => {
  const conditions: Array<[string, Record<string, AttributeValue>?]> = [
    ['#c = :n', { ':n': N('10.5') }],
    ['#c <> :n', { ':n': N('10.5') }],
    ['missing = :n', { ':n': N('1') }],
    ['missing <> :n', { ':n': N('1') }],
    ['missing < :n', { ':n': N('1') }],
    ['#c < :s', { ':s': S('zzz') }],
    ['#c = :s', { ':s': S('10.5') }],
    ['#c <> :s', { ':s': S('10.5') }],
    ['greeting >= :s', { ':s': S('h') }],
    ['greeting < :s', { ':s': S('ha') }],
    ['big > :n', { ':n': N('1e37') }],
    ['small < zero'],
    ['zero = :z', { ':z': N('0') }],
    ['#c BETWEEN :lo AND :hi', { ':lo': N('10'), ':hi': N('11') }],
    ['greeting BETWEEN :lo AND :hi', { ':lo': S('a'), ':hi': S('b') }],
    ['#c IN (:a, :b, :c)', { ':a': N('1'), ':b': S('10.5'), ':c': N('10.50') }],
    ['begins_with(greeting, :p)', { ':p': S('hé') }],
    ['begins_with(#c, :p)', { ':p': S('1') }],
    ['contains(greeting, :p)', { ':p': S('wör') }],
    ['contains(tags, :p)', { ':p': S('y') }],
    ['contains(numbers, :p)', { ':p': N('2') }],
    ['contains(#l, :p)', { ':p': S('second') }],
    ['contains(nested.#l, :p)', { ':p': { M: { k: S('v') } } }],
    ['size(greeting) = :n', { ':n': N('11') }],
    ['size(greeting) = :n', { ':n': N('13') }],
    ['size(#c) <> :n', { ':n': N('1') }],
    ['size(tags) = :n', { ':n': N('2') }],
    ['size(nested) > :n', { ':n': N('1') }],
    ['size(missing) < :n', { ':n': N('100') }],
    ['attribute_type(#c, :t)', { ':t': S('N') }],
    ['attribute_type(nothing, :t)', { ':t': S('NULL') }],
    ['attribute_exists(nested.inside.deep) AND attribute_not_exists(nested.inside.gone)'],
    ['NOT attribute_exists(pk)'],
    ['attribute_not_exists(pk) OR #c = :n AND flag = :f', { ':n': N('10.5'), ':f': { BOOL: true } }],
    ['(attribute_not_exists(pk) OR #c = :n) AND flag = :f', { ':n': N('10.5'), ':f': { BOOL: true } }],
    ['NOT (flag = :f) and nothing = :null', { ':f': { BOOL: true }, ':null': { NULL: true } }],
    ['tags = :set', { ':set': { SS: ['y', 'x'] } }],
    ['nested.#l[2] = :m', { ':m': { M: { k: S('v') } } }],
    ['#l[0] = :s', { ':s': S('first') }],
  ];
  const requests: Request[] = [{ op: 'put', input: { Item: FULL_ITEM } }];
  for (const [condition, values] of conditions) {
    const names: Record<string, string> = {};
    if (condition.includes('#c')) names['#c'] = 'count';
    if (condition.includes('#l')) names['#l'] = 'entries';
    requests.push({
      op: 'update',
      input: {
        ...key('a'),
        UpdateExpression: 'ADD checks :one',
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: { ...values, ':one': N('1') },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  }
  const answers = await expectSameBehaviour(requests);
  // Both outcomes occur (the conditions are not all true or all false), so the comparison above means something.
  const failed = answers.filter((answer) => (answer as { error?: string }).error === 'ConditionalCheckFailedException').length;
  expect(failed).toBeGreaterThan(5);
  expect(failed).toBeLessThan(conditions.length - 5);
});

test('conditional writes that fail return the old item only when asked, and nothing changes', async () => {
  const condition = { ConditionExpression: 'attribute_not_exists(pk)' };
  await expectSameBehaviour([
    { op: 'put', input: { Item: { pk: S('a'), v: N('1') }, ...condition } },
    { op: 'put', input: { Item: { pk: S('a'), v: N('2') }, ...condition } },
    { op: 'put', input: { Item: { pk: S('a'), v: N('2') }, ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    { op: 'update', input: { ...key('a'), UpdateExpression: 'SET v = :v', ConditionExpression: 'v > :v', ExpressionAttributeValues: { ':v': N('5') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    { op: 'update', input: { ...key('nope'), UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':v': N('5') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    { op: 'delete', input: { ...key('a'), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N('9') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    { op: 'delete', input: { ...key('a'), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N('1') } } },
  ]);
});

test('requests DynamoDB refuses are refused, with the same error and nothing written', async () => {
  const put = (input: Omit<PutItemCommandInput, 'TableName'>): Request => ({ op: 'put', input });
  const update = (input: Partial<Omit<UpdateItemCommandInput, 'TableName'>>): Request => ({ op: 'update', input: { ...key('a'), ...input } });
  const answers = await expectSameBehaviour([
    put({ Item: { pk: S('a'), s: S('text'), n: N('1'), ss: { SS: ['x'] } } }),
    update({ UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N('1'), ':unused': N('2') } }),
    update({ UpdateExpression: 'SET #v = :v', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = :missing', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = :v', ExpressionAttributeNames: { '#unused': 'x' }, ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': S('b') } }),
    update({ UpdateExpression: 'SET a = :v, a = :w', ExpressionAttributeValues: { ':v': N('1'), ':w': N('2') } }),
    update({ UpdateExpression: 'SET m = :v REMOVE m.x', ExpressionAttributeValues: { ':v': { M: {} } } }),
    update({ UpdateExpression: 'SET s = s + :v', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = nope + :v', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'ADD s :v', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'ADD ss :v', ExpressionAttributeValues: { ':v': { NS: ['1'] } } }),
    update({ UpdateExpression: 'ADD v :v', ExpressionAttributeValues: { ':v': S('x') } }),
    update({ UpdateExpression: 'SET absent.child = :v', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = :v', ConditionExpression: 'n < :b', ExpressionAttributeValues: { ':v': N('1'), ':b': { BOOL: true } } }),
    update({ UpdateExpression: 'SET v = :v', ConditionExpression: 'n BETWEEN :hi AND :lo', ExpressionAttributeValues: { ':v': N('1'), ':hi': N('9'), ':lo': N('1') } }),
    update({ UpdateExpression: 'SET v = :v', ConditionExpression: 'n = = :v', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = :v', ConditionExpression: 'no_such_function(n)', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_type(n, :v)', ExpressionAttributeValues: { ':v': S('X') } }),
    update({ UpdateExpression: '', ExpressionAttributeValues: { ':v': N('1') } }),
    update({ UpdateExpression: 'SET v = :v SET w = :v', ExpressionAttributeValues: { ':v': N('1') } }),
    { op: 'update', input: { Key: { pk: N('1') }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N('1') } } },
    { op: 'update', input: { Key: { pk: S('a'), extra: S('x') }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N('1') } } },
    { op: 'get', input: { Key: { other: S('a') } } },
    put({ Item: { v: S('no key') } }),
    put({ Item: { pk: N('1') } }),
    put({ Item: { pk: S('') } }),
    put({ Item: { pk: S('b'), n: N('not a number') } }),
    put({ Item: { pk: S('b'), ss: { SS: [] } } }),
    put({ Item: { pk: S('b'), ss: { SS: ['x', 'x'] } } }),
    put({ Item: { pk: S('b') }, ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':v': N('1') } }),
  ]);
  expect(answers.slice(1).every((answer) => (answer as { error?: string }).error === 'ValidationException')).toBe(true);
});

test('the reserved words are those DynamoDB Local refuses as bare names, in any case', async () => {
  const tableName = await newTable();
  const refused = async (client: DynamoDBClient, word: string) => {
    try {
      await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: S('a') }, ProjectionExpression: word }));
      return false;
    } catch (error) {
      // The words of the expression grammar itself (AND, SET, ...) are syntax errors rather than reserved names.
      if ((error as Error).name === 'ValidationException') return true;
      throw error;
    }
  };
  // Every listed word, plus words that are not reserved (some close to reserved ones, or a prefix of one).
  const words = [...RESERVED_WORDS, 'status', 'Name', 'ttl', 'recordId', 'expiresAt', 'phone', 'deep', 'abor', 'absolutely', 'callback', 'queue', 'pk', 'entries'];
  const disagreements: string[] = [];
  for (let start = 0; start < words.length; start += 50) {
    await Promise.all(words.slice(start, start + 50).map(async (word) => {
      const [byLocal, byEmbedded] = await Promise.all([refused(localClient, word), refused(embeddedClient, word)]);
      if (byLocal !== byEmbedded) disagreements.push(`${word}: DynamoDB Local ${byLocal ? 'refuses' : 'accepts'} it`);
    }));
  }
  // The developer guide lists these two as reserved, but DynamoDB Local takes them as names; the store follows the guide.
  expect(disagreements.sort()).toEqual(['CONVERT: DynamoDB Local accepts it', 'SIZE: DynamoDB Local accepts it']);
  expect(await refused(embeddedClient, 'status')).toBe(true);
  expect(await refused(embeddedClient, 'deep')).toBe(false);
});

test('a composite key (hash and range) addresses items by both parts', async () => {
  const item = (pk: string, sk: string, v: string) => ({ Item: { pk: S(pk), sk: N(sk), v: S(v) } });
  await expectSameBehaviour([
    { op: 'put', input: item('a', '1', 'one') },
    { op: 'put', input: item('a', '1.0', 'one again') },
    { op: 'put', input: item('a', '2', 'two') },
    { op: 'get', input: { Key: { pk: S('a'), sk: N('1.00') } } },
    { op: 'get', input: { Key: { pk: S('a') } } },
    { op: 'update', input: { Key: { pk: S('a'), sk: N('2') }, UpdateExpression: 'SET sk = :v', ExpressionAttributeValues: { ':v': N('3') } } },
    { op: 'delete', input: { Key: { pk: S('a'), sk: N('1') }, ReturnValues: 'ALL_OLD' } },
  ], { withRange: true });
});

test('transactions: all or nothing, one reason per item, the old item where asked, one operation per item', async () => {
  const put = (pk: string, extra: object = {}) => ({ Put: { Item: { pk: S(pk), v: N('1') }, ...extra } });
  const requests: Request[] = [
    { op: 'transact', input: { TransactItems: [put('a'), put('b'), { Update: { ...key('c'), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N('3') } } }] } },
    {
      op: 'transact',
      input: {
        TransactItems: [
          put('a', { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
          put('b', { ConditionExpression: 'attribute_not_exists(pk)' }),
          put('d', { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
          { ConditionCheck: { ...key('c'), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N('3') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        ],
      },
    },
    {
      op: 'transact',
      input: {
        TransactItems: [
          { Delete: { ...key('a'), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N('1') } } },
          { ConditionCheck: { ...key('c'), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N('4') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          { Update: { ...key('e'), UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':v': N('1') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        ],
      },
    },
    { op: 'transact', input: { TransactItems: [{ Delete: { ...key('a'), ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N('1') } } }, { Delete: key('b') }] } },
    { op: 'transact', input: { TransactItems: [put('a'), { Delete: key('a') }] } },
    { op: 'transact', input: { TransactItems: [put('f'), { Update: { ...key('c'), UpdateExpression: 'SET v = v + :s', ExpressionAttributeValues: { ':s': S('x') } } }] } },
    { op: 'transact', input: { TransactItems: [put('g', { ExpressionAttributeValues: { ':unused': N('1') } })] } },
    { op: 'transact', input: { TransactItems: [{ ConditionCheck: key('c') }] } },
  ];
  const answers = await expectSameBehaviour(requests);
  expect(answers.map((answer) => (answer as { error?: string }).error ?? 'ok')).toEqual([
    'ok', 'TransactionCanceledException', 'TransactionCanceledException', 'ok', 'ValidationException', expect.any(String), 'ValidationException', 'ValidationException',
  ]);
});

test('a repeated ClientRequestToken commits once; the same token with another request is refused', async () => {
  const increment = (token: string, by: string): Request => ({
    op: 'transact',
    input: { ClientRequestToken: token, TransactItems: [{ Update: { ...key('a'), UpdateExpression: 'ADD v :by', ExpressionAttributeValues: { ':by': N(by) } } }] },
  });
  const answers = await expectSameBehaviour([
    increment('token-1', '1'),
    increment('token-1', '1'),
    increment('token-1', '2'),
    increment('token-2', '1'),
    { op: 'get', input: key('a') },
  ]);
  expect(answers[4]).toEqual({ ok: { Item: { pk: S('a'), v: N('2') } } });
});

test('scans: filters, projections, counts and pages', async () => {
  const requests: Request[] = [];
  for (let index = 0; index < 7; index++) {
    requests.push({ op: 'put', input: { Item: { pk: S(`item-${index}`), n: N(String(index)), parity: S(index % 2 ? 'odd' : 'even') } } });
  }
  requests.push(
    { op: 'scan', input: { FilterExpression: 'parity = :p AND n > :n', ExpressionAttributeValues: { ':p': S('even'), ':n': N('0') } } },
    { op: 'scan', input: { ProjectionExpression: 'pk, #n', ExpressionAttributeNames: { '#n': 'n' } } },
    { op: 'scan', input: { Select: 'COUNT', FilterExpression: 'parity = :p', ExpressionAttributeValues: { ':p': S('odd') } } },
    { op: 'scan', input: { FilterExpression: 'parity = :p', ExpressionAttributeValues: { ':p': S('odd'), ':q': S('unused') } } },
  );
  await expectSameBehaviour(requests);
});

describe('random request sequences', () => {
  const pk = fc.constantFrom('k0', 'k1', 'k2');
  const value = fc.oneof(fc.integer({ min: -3, max: 3 }).map((n) => N(String(n))), fc.constantFrom('a', 'b', '').map(S));
  const attribute = fc.constantFrom('x', 'y');
  const leaf = fc.oneof(
    fc.tuple(attribute, fc.constantFrom('=', '<>', '<', '<=', '>', '>='), value).map(([name, op, v]) => ({ text: `${name} ${op} :VAL`, value: v })),
    attribute.map((name) => ({ text: `attribute_exists(${name})`, value: undefined })),
    attribute.map((name) => ({ text: `attribute_not_exists(${name})`, value: undefined })),
    fc.tuple(attribute, value).map(([name, v]) => ({ text: `${name} IN (:VAL, y)`, value: v })),
  );
  const condition = fc.array(fc.tuple(leaf, fc.constantFrom('AND', 'OR', 'AND NOT')), { minLength: 1, maxLength: 3 }).map((parts) => {
    const values: Record<string, AttributeValue> = {};
    const text = parts.map(([part, joiner], index) => {
      let piece = part.text;
      if (part.value) {
        values[`:c${index}`] = part.value;
        piece = piece.replace(':VAL', `:c${index}`);
      }
      return index === 0 ? piece : `${joiner} ${piece}`;
    }).join(' ');
    return { text, values };
  });
  const write = fc.oneof(
    fc.tuple(pk, attribute, value).map(([k, name, v]) => ({ kind: 'put' as const, k, item: { pk: S(k), [name]: v } })),
    fc.tuple(pk, attribute, value).map(([k, name, v]) => ({ kind: 'set' as const, k, update: `SET ${name} = :v`, values: { ':v': v } })),
    fc.tuple(pk, attribute).map(([k, name]) => ({ kind: 'add' as const, k, update: `ADD ${name} :v`, values: { ':v': N('1') } })),
    fc.tuple(pk, attribute).map(([k, name]) => ({ kind: 'remove' as const, k, update: `REMOVE ${name}`, values: {} })),
    pk.map((k) => ({ kind: 'delete' as const, k })),
  );
  const conditionalWrite = fc.tuple(write, fc.option(condition, { nil: undefined }), fc.boolean());
  type GeneratedCondition = { text: string; values: Record<string, AttributeValue> };
  const toOperation = ([w, cond, returnOld]: [any, GeneratedCondition | undefined, boolean]): Record<string, object> => {
    const values = { ...(w.values ?? {}), ...(cond?.values ?? {}) };
    const common = {
      ConditionExpression: cond?.text,
      ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
      ReturnValuesOnConditionCheckFailure: returnOld ? 'ALL_OLD' as const : undefined,
    };
    if (w.kind === 'put') return { Put: { Item: w.item, ...common } };
    if (w.kind === 'delete') return { Delete: { ...key(w.k), ...common } };
    return { Update: { ...key(w.k), UpdateExpression: w.update, ...common } };
  };
  const request: fc.Arbitrary<Request> = fc.oneof(
    conditionalWrite.map((w) => {
      const operation = toOperation(w);
      const [kind, input] = Object.entries(operation)[0];
      return { op: kind === 'Put' ? 'put' : kind === 'Delete' ? 'delete' : 'update', input: { ...input, ReturnValues: kind === 'Update' ? 'ALL_NEW' : 'ALL_OLD' } } as Request;
    }),
    // One operation per item: DynamoDB refuses a transaction naming an item twice, but DynamoDB Local checks the
    // conditions first and may answer TransactionCanceled instead (the curated test above has the unconditional case).
    fc.uniqueArray(conditionalWrite, { minLength: 1, maxLength: 3, selector: ([w]) => w.k })
      .map((writes) => ({ op: 'transact', input: { TransactItems: writes.map(toOperation) } }) as Request),
  );

  test('answer and leave the same tables in both stores', async () => {
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), async (requests) => {
      await expectSameBehaviour(requests);
    }), { numRuns: Number(process.env.CONFORMANCE_RUNS ?? 60) });
  });
});

describe('Query on a sparse global secondary index (the index of open records)', () => {
  const INDEX = 'open-records';
  async function newIndexedTable(): Promise<string> {
    const name = `conformance-gsi-${++tableCount}`;
    const input = {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST' as const,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' as const },
        { AttributeName: 'queue', AttributeType: 'S' as const },
        { AttributeName: 'createdAt', AttributeType: 'S' as const },
      ],
      GlobalSecondaryIndexes: [{
        IndexName: INDEX,
        KeySchema: [{ AttributeName: 'queue', KeyType: 'HASH' as const }, { AttributeName: 'createdAt', KeyType: 'RANGE' as const }],
        Projection: { ProjectionType: 'ALL' as const },
      }],
    };
    await Promise.all([localClient.send(new CreateTableCommand(input)), embeddedClient.send(new CreateTableCommand(input))]);
    return name;
  }
  /** What a Query answered, in the order it answered (a Query's order is part of its answer). */
  async function queried(client: DynamoDBClient, input: Omit<QueryCommandInput, 'TableName'>, tableName: string): Promise<unknown> {
    try {
      const query = new QueryCommand({ TableName: tableName, ...input });
      const { $metadata: _metadata, ConsumedCapacity: _capacity, ...output } = await client.send(query);
      return { ok: output };
    } catch (error) {
      return { error: (error as Error).name };
    }
  }

  test('only items with the index keys are in it, in sort-key order, a page at a time, and writes move them in and out', async () => {
    const tableName = await newIndexedTable();
    const put = (pk: string, extra: Record<string, AttributeValue>) => new PutItemCommand({ TableName: tableName, Item: { pk: S(pk), ...extra } });
    const writes = [
      put('CALLBACK#3', { queue: S('q1'), createdAt: S('2026-01-03T00:00:00.000Z'), status: S('PENDING') }),
      put('CALLBACK#1', { queue: S('q1'), createdAt: S('2026-01-01T00:00:00.000Z'), status: S('PENDING') }),
      put('CALLBACK#2', { queue: S('q1'), createdAt: S('2026-01-02T00:00:00.000Z'), status: S('CANCELLED') }),
      put('CALLBACK#4', { queue: S('q2'), createdAt: S('2026-01-01T00:00:00.000Z'), status: S('PENDING') }),
      // An active pointer: createdAt, no queue: never in the index.
      put('ACTIVE#q1#+1312', { createdAt: S('2026-01-01T00:00:00.000Z'), recordId: S('1') }),
      // Completed: the index key is removed (REMOVE before SET, as the store writes it).
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: S('CALLBACK#2') },
        UpdateExpression: 'REMOVE #q SET #s = :done',
        ExpressionAttributeNames: { '#q': 'queue', '#s': 'status' },
        ExpressionAttributeValues: { ':done': S('COMPLETED') },
      }),
    ];
    for (const write of writes) {
      await localClient.send(write as any);
      await embeddedClient.send(write as any);
    }
    const byQueue = { KeyConditionExpression: '#q = :q', ExpressionAttributeNames: { '#q': 'queue' }, ExpressionAttributeValues: { ':q': S('q1') } };
    const queries: Array<Omit<QueryCommandInput, 'TableName'>> = [
      { IndexName: INDEX, ...byQueue },
      { IndexName: INDEX, ...byQueue, ScanIndexForward: false },
      { IndexName: INDEX, ...byQueue, Limit: 1 },
      { IndexName: INDEX, ...byQueue, ConsistentRead: true },
      { IndexName: 'no-such-index', ...byQueue },
      {
        IndexName: INDEX,
        KeyConditionExpression: '#q = :q AND #c < :c',
        ExpressionAttributeNames: { '#q': 'queue', '#c': 'createdAt' },
        ExpressionAttributeValues: { ':q': S('q1'), ':c': S('2026-01-02') },
      },
    ];
    for (const [index, input] of queries.entries()) {
      const expected = await queried(localClient, input, tableName);
      expect({ index, answer: await queried(embeddedClient, input, tableName) }).toEqual({ index, answer: expected });
    }
    // Paging with ExclusiveStartKey to the end gives the same pages.
    for (const client of [localClient, embeddedClient]) {
      const pages: unknown[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new QueryCommand({ TableName: tableName, IndexName: INDEX, ...byQueue, Limit: 1, ExclusiveStartKey: start }));
        pages.push(page.Items?.map((item) => item.pk.S));
        start = page.LastEvaluatedKey;
      } while (start);
      expect(pages.flat()).toEqual(['CALLBACK#1', 'CALLBACK#3']);
    }
  });
});

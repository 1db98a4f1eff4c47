/**
 * A DynamoDB-compatible store in this Node.js process, on a loopback port, for a simulator user who has neither Java
 * (DynamoDB Local) nor a DynamoDB endpoint. The npm stores (dynalite 4.0.0) lack TransactWriteItems, which the
 * handlers book with, so this one implements exactly the API the handlers and the simulator use, over the same
 * JSON 1.0 protocol the AWS SDK speaks: CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTimeToLive,
 * GetItem, PutItem, UpdateItem, DeleteItem, TransactWriteItems, Scan and Query (on the table or a global secondary
 * index), with key condition, condition, update, filter and projection expressions, ReturnValues,
 * ReturnValuesOnConditionCheckFailure (also per transaction item) and ClientRequestToken idempotency. Any other
 * operation or legacy parameter is refused by name, never ignored. A global secondary index is sparse, as DynamoDB's
 * are: it holds exactly the items that carry all of its key attributes; here it is read from the table on each Query
 * (the simulator's tables are small) rather than kept, so it is never behind the table, where DynamoDB's may be.
 *
 * Requests are handled one at a time on the event loop, so every write and every transaction is atomic and
 * isolated; it never answers TransactionConflict (neither does DynamoDB Local). Nothing is persisted; TTL is
 * recorded but never deletes (the handlers treat an expired record as gone, as they must on DynamoDB, whose TTL
 * deletion lags). test/simulator/embedded-dynamodb.test.ts runs the same requests here and on DynamoDB Local.
 */
import { createHash, randomUUID } from 'crypto';
import * as http from 'http';
import {
  type AttributeValue, type Condition, type DocumentPath, type Item, Placeholders, type UpdateActions, ValidationError,
  applyUpdate, attributeEquals, canonicalNumber, clone, compareNumbers, evaluateCondition, parseCondition, parseProjection, parseUpdate,
  project, typeOf, updatedPaths, TYPES,
} from './dynamodb-expressions';
import { closeServer, listenOnLoopback } from './local-services';

const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
const TARGET_PREFIX = 'DynamoDB_20120810.';
/** DynamoDB keeps a transaction's ClientRequestToken for 10 minutes. */
const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
const MAX_TRANSACTION_ITEMS = 100;

/** An error DynamoDB answers with HTTP 400 and `__type` = its name, plus any extra fields. */
class ServiceError extends Error {
  constructor(readonly type: string, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

function validation(error: ValidationError | string): ServiceError {
  return new ServiceError('ValidationException', typeof error === 'string' ? error : error.message);
}

interface KeySchema {
  readonly hash: string;
  readonly range?: string;
}

interface SecondaryIndex {
  readonly name: string;
  readonly key: KeySchema;
  readonly keySchema: unknown;
  readonly projection: { readonly ProjectionType: string; readonly NonKeyAttributes?: string[] };
}

interface Table {
  readonly name: string;
  readonly indexes: Map<string, SecondaryIndex>;
  readonly arn: string;
  readonly key: KeySchema;
  readonly attributeTypes: Record<string, string>;
  readonly created: number;
  readonly items: Map<string, Item>;
  readonly keySchema: unknown;
  readonly attributeDefinitions: unknown;
  billingMode: string;
  ttlAttribute?: string;
}

interface ConditionalRequest {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValuesOnConditionCheckFailure?: string;
}

/** One write, checked and ready: what it needs of the current item and what it leaves. */
interface PlannedWrite {
  readonly table: Table;
  readonly keyText: string;
  readonly condition?: Condition;
  readonly returnOldOnFailure: boolean;
  /** The item after the write (undefined deletes it); only called once the condition holds. */
  readonly apply: (current: Item | undefined) => Item | undefined;
}

export interface EmbeddedDynamoDb {
  /** http://127.0.0.1:<port>: give it to the AWS SDK as `endpoint` (any region, any credentials). */
  readonly endpoint: string;
  /** Operations served so far, by name (for the simulator's and tests' own accounting). */
  readonly operations: string[];
  stop(): Promise<void>;
}

export interface EmbeddedDynamoDbOptions {
  /** @default a free loopback port */
  readonly port?: number;
}

/** Starts the store on a loopback port. Every instance is empty and independent. */
export async function startEmbeddedDynamoDb(options: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> {
  const store = new Store();
  const operations: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      operations.push(operation || target);
      let status = 200;
      let body: Record<string, unknown>;
      try {
        if (request.method !== 'POST' || !operation) throw new ServiceError('UnknownOperationException', `${request.method} with X-Amz-Target "${target}" is not a DynamoDB operation`);
        let input: unknown;
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          throw new ServiceError('SerializationException', 'The request body is not valid JSON');
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ServiceError('SerializationException', 'The request body must be a JSON object');
        body = store.handle(operation, input as Record<string, any>);
      } catch (error) {
        if (error instanceof ValidationError) error = validation(error);
        if (error instanceof ServiceError) {
          status = 400;
          body = { __type: ERROR_PREFIX + error.type, message: error.message, ...error.extra };
        } else {
          status = 500;
          body = { __type: ERROR_PREFIX + 'InternalServerError', message: `embedded store failure: ${(error as Error).message}` };
        }
      }
      const payload = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': randomUUID(),
      });
      response.end(payload);
    });
  });
  const endpoint = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    operations,
    stop: closeServer(server),
  };
}

class Store {
  private readonly tables = new Map<string, Table>();
  private readonly transactionTokens = new Map<string, { readonly digest: string; readonly at: number }>();

  handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    switch (operation) {
      case 'CreateTable': return this.createTable(input);
      case 'DescribeTable': return { Table: this.describe(this.table(input.TableName)) };
      case 'DeleteTable': {
        const table = this.table(input.TableName);
        this.tables.delete(table.name);
        return { TableDescription: { ...this.describe(table), TableStatus: 'DELETING' } };
      }
      case 'ListTables': return { TableNames: [...this.tables.keys()].sort() };
      case 'UpdateTimeToLive': return this.updateTimeToLive(input);
      case 'DescribeTimeToLive': {
        const table = this.table(input.TableName);
        return {
          TimeToLiveDescription: table.ttlAttribute
            ? { TimeToLiveStatus: 'ENABLED', AttributeName: table.ttlAttribute }
            : { TimeToLiveStatus: 'DISABLED' },
        };
      }
      case 'GetItem': return this.getItem(input);
      case 'PutItem': return this.putItem(input);
      case 'UpdateItem': return this.updateItem(input);
      case 'DeleteItem': return this.deleteItem(input);
      case 'TransactWriteItems': return this.transactWriteItems(input);
      case 'Scan': return this.scan(input);
      case 'Query': return this.query(input);
      default:
        throw new ServiceError('UnknownOperationException', `${operation} is not implemented by the simulator's embedded DynamoDB store (the callback handlers do not use it)`);
    }
  }

  // -- tables ---------------------------------------------------------------------------------------------------

  private createTable(input: Record<string, any>): Record<string, unknown> {
    const name = requireTableName(input.TableName);
    if (this.tables.has(name)) throw new ServiceError('ResourceInUseException', 'Cannot create preexisting table');
    const keySchema: Array<{ AttributeName: string; KeyType: string }> = input.KeySchema ?? [];
    const definitions: Array<{ AttributeName: string; AttributeType: string }> = input.AttributeDefinitions ?? [];
    const hash = keySchema.find((element) => element.KeyType === 'HASH');
    const range = keySchema.find((element) => element.KeyType === 'RANGE');
    if (!hash || keySchema.length > 2 || (keySchema.length === 2 && !range)) throw validation('Invalid KeySchema: Some index key attribute have no definition');
    const attributeTypes: Record<string, string> = {};
    for (const definition of definitions) {
      if (!['S', 'N', 'B'].includes(definition.AttributeType)) throw validation('Member must satisfy enum value set: [B, N, S]');
      attributeTypes[definition.AttributeName] = definition.AttributeType;
    }
    if (input.LocalSecondaryIndexes) throw validation('Local secondary indexes are not implemented by the embedded store');
    const indexes = new Map<string, SecondaryIndex>();
    for (const raw of (input.GlobalSecondaryIndexes ?? []) as Array<Record<string, any>>) {
      const indexSchema: Array<{ AttributeName: string; KeyType: string }> = raw.KeySchema ?? [];
      const indexHash = indexSchema.find((element) => element.KeyType === 'HASH');
      const indexRange = indexSchema.find((element) => element.KeyType === 'RANGE');
      if (typeof raw.IndexName !== 'string' || !indexHash || indexSchema.length > 2 || (indexSchema.length === 2 && !indexRange)) {
        throw validation('One or more parameter values were invalid: Invalid KeySchema of a global secondary index');
      }
      if (indexes.has(raw.IndexName)) throw validation(`One or more parameter values were invalid: Duplicate index name: ${raw.IndexName}`);
      const projectionType = raw.Projection?.ProjectionType;
      if (!['ALL', 'KEYS_ONLY', 'INCLUDE'].includes(projectionType)) throw validation('One or more parameter values were invalid: Unknown ProjectionType');
      indexes.set(raw.IndexName, {
        name: raw.IndexName,
        key: { hash: indexHash.AttributeName, range: indexRange?.AttributeName },
        keySchema: indexSchema,
        projection: {
          ProjectionType: projectionType,
          ...(raw.Projection.NonKeyAttributes ? { NonKeyAttributes: raw.Projection.NonKeyAttributes } : {}),
        },
      });
    }
    const keyAttributes = new Set([...keySchema, ...[...indexes.values()].flatMap((index) => index.keySchema as typeof keySchema)]
      .map((element) => element.AttributeName));
    for (const attribute of keyAttributes) {
      if (!attributeTypes[attribute]) throw validation('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions');
    }
    if (definitions.length !== keyAttributes.size) {
      throw validation('One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
    }
    const table: Table = {
      name,
      indexes,
      arn: `arn:aws:dynamodb:ddblocal:000000000000:table/${name}`,
      key: { hash: hash.AttributeName, range: range?.AttributeName },
      attributeTypes,
      created: Date.now() / 1000,
      items: new Map(),
      keySchema,
      attributeDefinitions: definitions,
      billingMode: input.BillingMode ?? 'PROVISIONED',
    };
    this.tables.set(name, table);
    return { TableDescription: { ...this.describe(table), TableStatus: 'ACTIVE' } };
  }

  private describe(table: Table): Record<string, unknown> {
    return {
      TableName: table.name,
      TableArn: table.arn,
      TableStatus: 'ACTIVE',
      KeySchema: table.keySchema,
      AttributeDefinitions: table.attributeDefinitions,
      CreationDateTime: table.created,
      ItemCount: table.items.size,
      TableSizeBytes: [...table.items.values()].reduce((total, item) => total + JSON.stringify(item).length, 0),
      BillingModeSummary: { BillingMode: table.billingMode },
      ...(table.indexes.size > 0 ? {
        GlobalSecondaryIndexes: [...table.indexes.values()].map((index) => ({
          IndexName: index.name,
          KeySchema: index.keySchema,
          Projection: index.projection,
          IndexStatus: 'ACTIVE',
          IndexArn: `${table.arn}/index/${index.name}`,
          ItemCount: [...table.items.values()].filter((item) => inIndex(table, index, item)).length,
        })),
      } : {}),
    };
  }

  private updateTimeToLive(input: Record<string, any>): Record<string, unknown> {
    const table = this.table(input.TableName);
    const specification = input.TimeToLiveSpecification ?? {};
    if (typeof specification.AttributeName !== 'string' || typeof specification.Enabled !== 'boolean') {
      throw validation('TimeToLiveSpecification needs AttributeName and Enabled');
    }
    table.ttlAttribute = specification.Enabled ? specification.AttributeName : undefined;
    return { TimeToLiveSpecification: specification };
  }

  private table(name: unknown): Table {
    const table = this.tables.get(requireTableName(name));
    if (!table) throw new ServiceError('ResourceNotFoundException', 'Cannot do operations on a non-existent table');
    return table;
  }

  // -- single-item operations -----------------------------------------------------------------------------------

  private getItem(input: Record<string, any>): Record<string, unknown> {
    refuseLegacy(input, ['AttributesToGet']);
    const table = this.table(input.TableName);
    const keyText = this.keyText(table, input.Key);
    const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const projection = input.ProjectionExpression !== undefined ? parseProjection(input.ProjectionExpression, placeholders) : undefined;
    placeholders.checkAllUsed();
    const item = table.items.get(keyText);
    if (!item) return {};
    return { Item: projection ? project(item, projection) : clone(item) };
  }

  private putItem(input: Record<string, any>): Record<string, unknown> {
    refuseLegacy(input, ['Expected', 'ConditionalOperator']);
    checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const plan = this.planPut(input);
    const old = this.commitSingle(plan);
    return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
  }

  private updateItem(input: Record<string, any>): Record<string, unknown> {
    refuseLegacy(input, ['Expected', 'ConditionalOperator', 'AttributeUpdates']);
    checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
    const { plan, actions } = this.planUpdate(input);
    const old = this.commitSingle(plan);
    const updated = plan.table.items.get(plan.keyText)!;
    // UPDATED_OLD and UPDATED_NEW return whole top-level attributes, also for an update of a nested path (as
    // DynamoDB Local does).
    const names = new Set((actions ? updatedPaths(actions) : []).map((path) => (path[0] as { name: string }).name));
    const pick = (item: Item | undefined) => (item ? Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name))) : undefined);
    let attributes: Item | undefined;
    switch (input.ReturnValues ?? 'NONE') {
      case 'ALL_OLD': attributes = old; break;
      case 'ALL_NEW': attributes = clone(updated); break;
      case 'UPDATED_OLD': attributes = pick(old); break;
      case 'UPDATED_NEW': attributes = pick(updated); break;
    }
    return attributes && Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  private deleteItem(input: Record<string, any>): Record<string, unknown> {
    refuseLegacy(input, ['Expected', 'ConditionalOperator']);
    checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const old = this.commitSingle(this.planDelete(input));
    return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
  }

  /** Applies one write; throws ConditionalCheckFailedException when its condition fails. Returns the old item. */
  private commitSingle(plan: PlannedWrite): Item | undefined {
    const current = plan.table.items.get(plan.keyText);
    if (plan.condition && !evaluateCondition(plan.condition, current)) {
      throw new ServiceError('ConditionalCheckFailedException', 'The conditional request failed',
        plan.returnOldOnFailure && current ? { Item: clone(current) } : {});
    }
    const next = applyOrReject(plan, current);
    if (next) plan.table.items.set(plan.keyText, next);
    else plan.table.items.delete(plan.keyText);
    return current ? clone(current) : undefined;
  }

  // -- planning: everything that can be refused before any item is read -----------------------------------------

  private planPut(input: Record<string, any>): PlannedWrite {
    const table = this.table(input.TableName);
    const item = normalizeItem(input.Item, 'Item');
    const key: Item = {};
    for (const name of [table.key.hash, table.key.range].filter((n): n is string => n !== undefined)) {
      if (item[name] === undefined) throw validation(`One or more parameter values were invalid: Missing the key ${name} in the item`);
      const type = typeOf(item[name]);
      if (type !== table.attributeTypes[name]) {
        throw validation(`One or more parameter values were invalid: Type mismatch for key ${name} expected: ${table.attributeTypes[name]} actual: ${type}`);
      }
      key[name] = item[name];
    }
    const keyText = this.keyText(table, key);
    return { table, keyText, ...this.condition(input), apply: () => item };
  }

  private planUpdate(input: Record<string, any>): { plan: PlannedWrite; actions?: UpdateActions } {
    const table = this.table(input.TableName);
    const keyText = this.keyText(table, input.Key);
    const key = normalizeItem(input.Key, 'Key');
    const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const actions = input.UpdateExpression !== undefined ? parseUpdate(input.UpdateExpression, placeholders) : undefined;
    const condition = input.ConditionExpression !== undefined ? parseCondition(input.ConditionExpression, placeholders) : undefined;
    placeholders.checkAllUsed();
    if (actions) {
      for (const path of updatedPaths(actions)) {
        const top = path[0];
        if (top.kind === 'name' && (top.name === table.key.hash || top.name === table.key.range)) {
          throw validation(`One or more parameter values were invalid: Cannot update attribute ${top.name}. This attribute is part of the key`);
        }
      }
    }
    return {
      actions,
      plan: {
        table,
        keyText,
        condition,
        returnOldOnFailure: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
        apply: (current) => {
          const base = current ? current : clone(key);
          const updated = actions ? applyUpdate(base, actions) : clone(base);
          checkNoEmptySets(updated);
          return updated;
        },
      },
    };
  }

  private planDelete(input: Record<string, any>): PlannedWrite {
    const table = this.table(input.TableName);
    return { table, keyText: this.keyText(table, input.Key), ...this.condition(input), apply: () => undefined };
  }

  private planConditionCheck(input: Record<string, any>): PlannedWrite {
    const table = this.table(input.TableName);
    if (input.ConditionExpression === undefined) throw validation('ConditionCheck requires a ConditionExpression');
    return { table, keyText: this.keyText(table, input.Key), ...this.condition(input), apply: (current) => current };
  }

  private condition(input: ConditionalRequest): { condition?: Condition; returnOldOnFailure: boolean } {
    const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const condition = input.ConditionExpression !== undefined ? parseCondition(input.ConditionExpression, placeholders) : undefined;
    checkExpressionValuesNeedExpressions(input);
    placeholders.checkAllUsed();
    return { condition, returnOldOnFailure: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
  }

  private keyText(table: Table, rawKey: unknown): string {
    const key = normalizeItem(rawKey, 'Key');
    const names = [table.key.hash, table.key.range].filter((n): n is string => n !== undefined);
    const given = Object.keys(key);
    if (given.length !== names.length || names.some((name) => key[name] === undefined || typeOf(key[name]) !== table.attributeTypes[name])) {
      throw validation('The provided key element does not match the schema');
    }
    for (const name of names) {
      const value = key[name];
      if ((value.S ?? value.B) === '') {
        throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${value.S !== undefined ? 'string' : 'binary'} value. Key: ${name}`);
      }
    }
    return JSON.stringify(names.map((name) => key[name]));
  }

  // -- transactions ---------------------------------------------------------------------------------------------

  private transactWriteItems(input: Record<string, any>): Record<string, unknown> {
    const entries: Array<Record<string, any>> = input.TransactItems;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_TRANSACTION_ITEMS) {
      throw validation(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and ${MAX_TRANSACTION_ITEMS}`);
    }
    const token: string | undefined = input.ClientRequestToken;
    const digest = createHash('sha256').update(JSON.stringify(entries)).digest('hex');
    if (token !== undefined) {
      this.forgetOldTokens();
      const seen = this.transactionTokens.get(token);
      if (seen && seen.digest !== digest) {
        throw new ServiceError('IdempotentParameterMismatchException', 'The request uses the same client token as a previous, but non-identical request.');
      }
      // The same request again (an SDK retry after a lost response): it committed once, and is not applied twice.
      if (seen) return {};
    }

    const plans = entries.map((entry) => {
      const kinds = ['Put', 'Update', 'Delete', 'ConditionCheck'].filter((kind) => entry[kind] !== undefined);
      if (kinds.length !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
      const operation = entry[kinds[0]];
      checkReturnValues(operation.ReturnValuesOnConditionCheckFailure, ['NONE', 'ALL_OLD'], 'ReturnValuesOnConditionCheckFailure');
      switch (kinds[0]) {
        case 'Put': return this.planPut(operation);
        case 'Update': return this.planUpdate(operation).plan;
        case 'Delete': return this.planDelete(operation);
        default: return this.planConditionCheck(operation);
      }
    });
    const targets = new Set<string>();
    for (const plan of plans) {
      const target = `${plan.table.name}\u0000${plan.keyText}`;
      if (targets.has(target)) throw validation('Transaction request cannot include multiple operations on one item');
      targets.add(target);
    }

    // Every condition is checked against the items as they are now, then everything commits or nothing does.
    const reasons: Array<Record<string, unknown>> = [];
    const results: Array<Item | undefined> = [];
    for (const plan of plans) {
      const current = plan.table.items.get(plan.keyText);
      if (plan.condition && !evaluateCondition(plan.condition, current)) {
        reasons.push({
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(plan.returnOldOnFailure && current ? { Item: clone(current) } : {}),
        });
        results.push(undefined);
        continue;
      }
      // An update that cannot apply (e.g. arithmetic on a string) refuses the whole request, as DynamoDB Local does.
      results.push(applyOrReject(plan, current));
      reasons.push({ Code: 'None' });
    }
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new ServiceError('TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
        { CancellationReasons: reasons });
    }
    plans.forEach((plan, index) => {
      const next = results[index];
      if (next) plan.table.items.set(plan.keyText, next);
      else plan.table.items.delete(plan.keyText);
    });
    if (token !== undefined) this.transactionTokens.set(token, { digest, at: Date.now() });
    return {};
  }

  private forgetOldTokens(): void {
    const oldest = Date.now() - IDEMPOTENCY_WINDOW_MS;
    for (const [token, seen] of this.transactionTokens) if (seen.at < oldest) this.transactionTokens.delete(token);
  }

  // -- scan -----------------------------------------------------------------------------------------------------

  private scan(input: Record<string, any>): Record<string, unknown> {
    refuseLegacy(input, ['ScanFilter', 'AttributesToGet', 'ConditionalOperator', 'Segment', 'TotalSegments', 'IndexName']);
    const table = this.table(input.TableName);
    const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const filter = input.FilterExpression !== undefined ? parseCondition(input.FilterExpression, placeholders, 'FilterExpression') : undefined;
    const projection = input.ProjectionExpression !== undefined ? parseProjection(input.ProjectionExpression, placeholders) : undefined;
    placeholders.checkAllUsed();
    const limit: number | undefined = input.Limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw validation('Limit must be an integer of at least 1');
    // Items in key order, so that ExclusiveStartKey can resume after any item.
    const ordered = [...table.items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const startAfter = input.ExclusiveStartKey !== undefined ? this.keyText(table, input.ExclusiveStartKey) : undefined;
    const remaining = startAfter === undefined ? ordered : ordered.filter(([keyText]) => keyText > startAfter);
    const page = limit === undefined ? remaining : remaining.slice(0, limit);
    const matching = page.map(([, item]) => item).filter((item) => !filter || evaluateCondition(filter, item));
    const response: Record<string, unknown> = { Count: matching.length, ScannedCount: page.length };
    if (input.Select !== 'COUNT') response.Items = matching.map((item) => (projection ? project(item, projection) : clone(item)));
    if (limit !== undefined && remaining.length > limit) {
      const last = page[page.length - 1][1];
      const names = [table.key.hash, table.key.range].filter((n): n is string => n !== undefined);
      response.LastEvaluatedKey = Object.fromEntries(names.map((name) => [name, clone(last[name])]));
    }
    return response;
  }

  // -- query ----------------------------------------------------------------------------------------------------

  private query(input: Record<string, any>): Record<string, unknown> {
    refuseLegacy(input, ['KeyConditions', 'QueryFilter', 'AttributesToGet', 'ConditionalOperator']);
    const table = this.table(input.TableName);
    const index = input.IndexName === undefined ? undefined : table.indexes.get(input.IndexName);
    if (input.IndexName !== undefined && !index) throw validation(`The table does not have the specified index: ${String(input.IndexName)}`);
    if (index && input.ConsistentRead === true) throw validation('Consistent reads are not supported on global secondary indexes');
    if (input.KeyConditionExpression === undefined) throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    const key = index ? index.key : table.key;
    const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const keyCondition = parseCondition(input.KeyConditionExpression, placeholders, 'KeyConditionExpression');
    checkKeyCondition(keyCondition, key);
    const filter = input.FilterExpression !== undefined ? parseCondition(input.FilterExpression, placeholders, 'FilterExpression') : undefined;
    const projection = input.ProjectionExpression !== undefined ? parseProjection(input.ProjectionExpression, placeholders) : undefined;
    placeholders.checkAllUsed();
    if (index && index.projection.ProjectionType !== 'ALL' && projection === undefined && input.Select !== 'COUNT') {
      throw validation('The embedded store serves only ALL projections of an index, or a ProjectionExpression');
    }
    const limit: number | undefined = input.Limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw validation('Limit must be an integer of at least 1');

    const tableKeyNames = [table.key.hash, table.key.range].filter((n): n is string => n !== undefined);
    const keyNames = [...new Set([key.hash, key.range, ...(index ? tableKeyNames : [])].filter((n): n is string => n !== undefined))];
    const order = (a: Item, b: Item) => compareKeyValues(a[key.range ?? ''], b[key.range ?? '']) || (index ? this.keyText(table, pickKey(a, tableKeyNames)).localeCompare(this.keyText(table, pickKey(b, tableKeyNames))) : 0);
    const matching = [...table.items.values()]
      .filter((item) => (!index || inIndex(table, index, item)) && evaluateCondition(keyCondition, item))
      .sort(order);
    if (input.ScanIndexForward === false) matching.reverse();
    let remaining = matching;
    if (input.ExclusiveStartKey !== undefined) {
      const start = normalizeItem(input.ExclusiveStartKey, 'ExclusiveStartKey');
      if (keyNames.some((name) => start[name] === undefined)) throw validation('The provided starting key is invalid');
      const after = (item: Item) => (input.ScanIndexForward === false ? -order(item, start) : order(item, start)) > 0;
      remaining = matching.filter(after);
    }
    const page = limit === undefined ? remaining : remaining.slice(0, limit);
    const selected = page.filter((item) => !filter || evaluateCondition(filter, item));
    const response: Record<string, unknown> = { Count: selected.length, ScannedCount: page.length };
    if (input.Select !== 'COUNT') response.Items = selected.map((item) => (projection ? project(item, projection) : clone(item)));
    if (limit !== undefined && remaining.length > limit) response.LastEvaluatedKey = pickKey(page[page.length - 1], keyNames);
    return response;
  }
}

function pickKey(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, clone(item[name])]));
}

function applyOrReject(plan: PlannedWrite, current: Item | undefined): Item | undefined {
  try {
    const next = plan.apply(current);
    if (next) checkIndexKeyTypes(plan.table, next);
    return next;
  } catch (error) {
    if (error instanceof ValidationError) throw validation(error);
    throw error;
  }
}

/** An index key attribute, where an item has one, must be of the type its definition says, as DynamoDB requires. */
function checkIndexKeyTypes(table: Table, item: Item): void {
  for (const index of table.indexes.values()) {
    for (const name of [index.key.hash, index.key.range]) {
      if (name === undefined || item[name] === undefined) continue;
      const type = typeOf(item[name]);
      if (type !== table.attributeTypes[name]) {
        throw new ValidationError(`One or more parameter values were invalid: Type mismatch for Index Key ${name} Expected: ${table.attributeTypes[name]} Actual: ${type} IndexName: ${index.name}`);
      }
      if ((item[name].S ?? item[name].B) === '') {
        throw new ValidationError(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: ${index.name}, IndexKey: ${name}`);
      }
    }
  }
}

/** A sparse index holds the items that carry every one of its key attributes. */
function inIndex(table: Table, index: SecondaryIndex, item: Item): boolean {
  return [index.key.hash, index.key.range]
    .every((name) => name === undefined || (item[name] !== undefined && typeOf(item[name]) === table.attributeTypes[name]));
}

/** Orders two key values of one type: strings and binaries by their bytes, numbers by value. */
function compareKeyValues(left: AttributeValue | undefined, right: AttributeValue | undefined): number {
  if (left === undefined || right === undefined) return 0;
  if (left.N !== undefined && right.N !== undefined) return compareNumbers(left.N, right.N);
  const a = Buffer.from(left.S ?? left.B ?? '', left.B !== undefined ? 'base64' : 'utf8');
  const b = Buffer.from(right.S ?? right.B ?? '', right.B !== undefined ? 'base64' : 'utf8');
  return Buffer.compare(a, b);
}

/**
 * A KeyConditionExpression as DynamoDB accepts it: an equality on the partition key, optionally AND one condition on
 * the sort key (=, <, <=, >, >=, BETWEEN or begins_with). Anything else is refused.
 */
function checkKeyCondition(condition: Condition, key: KeySchema): void {
  const isPath = (operand: { kind: string; path?: DocumentPath }, name: string | undefined) =>
    name !== undefined && operand.kind === 'path' && operand.path!.length === 1 && operand.path![0].kind === 'name' && (operand.path![0] as { name: string }).name === name;
  const isValue = (operand: { kind: string }) => operand.kind === 'value';
  const onHash = (c: Condition) => c.kind === 'compare' && c.operator === '=' && isPath(c.left, key.hash) && isValue(c.right);
  const onRange = (c: Condition) => (c.kind === 'compare' && ['=', '<', '<=', '>', '>='].includes(c.operator) && isPath(c.left, key.range) && isValue(c.right))
    || (c.kind === 'between' && isPath(c.operand, key.range) && isValue(c.low) && isValue(c.high))
    || (c.kind === 'function' && c.name === 'begins_with' && isPath({ kind: 'path', path: c.path }, key.range) && c.argument !== undefined && isValue(c.argument));
  const valid = onHash(condition) || (condition.kind === 'and' && ((onHash(condition.left) && onRange(condition.right)) || (onHash(condition.right) && onRange(condition.left))));
  if (!valid) throw validation('Query key condition not supported');
}

function requireTableName(name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
    throw validation(`1 validation error detected: Value '${String(name)}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`);
  }
  return name;
}

function refuseLegacy(input: Record<string, unknown>, parameters: readonly string[]): void {
  for (const parameter of parameters) {
    if (input[parameter] !== undefined) {
      throw validation(`${parameter} is not implemented by the simulator's embedded DynamoDB store; use expressions`);
    }
  }
}

function checkReturnValues(value: unknown, allowed: readonly string[], parameter = 'ReturnValues'): void {
  if (value !== undefined && !allowed.includes(String(value))) {
    throw validation(`${parameter} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
}

function checkExpressionValuesNeedExpressions(input: ConditionalRequest): void {
  if (input.ConditionExpression === undefined) {
    if (input.ExpressionAttributeValues !== undefined) throw validation('ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null');
    if (input.ExpressionAttributeNames !== undefined) throw validation('ExpressionAttributeNames can only be specified when using expressions');
  }
}

/** Checks every attribute value and returns a copy with numbers in DynamoDB's canonical form. */
function normalizeItem(raw: unknown, what: string): Item {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw validation(`${what} must be a map of attribute values`);
  const item: Item = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '') throw validation('One or more parameter values were invalid: An AttributeValue may not contain an empty attribute name');
    item[name] = normalizeValue(value);
  }
  return item;
}

function normalizeValue(raw: unknown): AttributeValue {
  if (typeof raw !== 'object' || raw === null) throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const value = raw as AttributeValue;
  const type = typeOf(value);
  if (!TYPES.includes(type)) throw validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
  switch (type) {
    case 'N': return { N: canonical(value.N) };
    case 'NS': return { NS: distinct(value.NS!.map(canonical), 'NS') };
    case 'SS': return { SS: distinct(value.SS!, 'SS') };
    case 'BS': return { BS: distinct(value.BS!, 'BS') };
    case 'L': return { L: value.L!.map(normalizeValue) };
    case 'M': return { M: Object.fromEntries(Object.entries(value.M!).map(([key, member]) => [key, normalizeValue(member)])) };
    case 'NULL':
      if (value.NULL !== true) throw validation('One or more parameter values were invalid: Null attribute value types must have the value of true');
      return { NULL: true };
    default: return clone(value);
  }
}

function canonical(number: unknown): string {
  try {
    return canonicalNumber(String(number));
  } catch (error) {
    throw validation(error as ValidationError);
  }
}

function distinct(members: string[], type: string): string[] {
  if (members.length === 0) throw validation('One or more parameter values were invalid: An number set  may not be empty'.replace('number', type === 'SS' ? 'string' : type === 'NS' ? 'number' : 'binary'));
  const seen: AttributeValue[] = [];
  for (const member of members) {
    const value = { [type[0]]: member } as AttributeValue;
    if (seen.some((other) => attributeEquals(other, value))) throw validation('One or more parameter values were invalid: Input collection contains duplicates');
    seen.push(value);
  }
  return members;
}

function checkNoEmptySets(item: Item): void {
  for (const value of Object.values(item)) {
    const set = value.SS ?? value.NS ?? value.BS;
    if (set !== undefined && set.length === 0) throw new ValidationError('An empty set is not allowed');
  }
}

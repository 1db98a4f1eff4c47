/**
 * Security review of the synthesized stacks: the AwsSolutions cdk-nag pack, a walk over every IAM policy and Lambda
 * permission, encryption with a customer-managed key, and contact-flow logging. Each check runs on a stack with the
 * construct's defaults and on one with every option on.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Validations, aws_iam as iam, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ACCOUNT, INSTANCE_ARN, PHONE_NUMBER_ARN, QUEUE_ARN, REGION, STREAM_ARN, addConstruct, flowContent, newStack, resourcesOf } from './fixtures';
import { CallbackManagementProps, CallbackMode, CallbackPromptSets, SpeechEngine } from '../../src';
import { FLOW_TEMPLATES, FlowTemplateName, flowTemplatesFor, loadFlowTemplate } from '../../src/flow-templates';
import { ACTION_SPECS, checkFlow } from '../../src/flows/flow-checker';
import { SIM_CUSTOMER_FIRST_PARAMETERS } from '../../src/simulator/stack-flows';

interface Variant {
  readonly name: string;
  readonly stack: Stack;
  readonly template: Template;
}

const CUSTOMER_FIRST: Partial<CallbackManagementProps> = {
  callbackMode: CallbackMode.CUSTOMER_FIRST,
  customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS },
};

function defaults(extra: Partial<CallbackManagementProps> = {}, name = 'defaults'): Variant {
  const stack = newStack();
  addConstruct(stack, 'Callbacks', extra);
  return { name, stack, template: Template.fromStack(stack) };
}

function allOptions(extra: Partial<CallbackManagementProps> = {}, name = 'all options'): Variant & { key: kms.Key } {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const construct = addConstruct(stack, 'Callbacks', {
    phoneNumberArn: PHONE_NUMBER_ARN,
    encryptionKey: key,
    createOutputs: true,
    contactFlowLogging: true,
    allowCancelForOtherNumber: true,
    namePrefix: 'all-options',
    enableCallbacksApi: true,
    createDashboard: true,
    alarmTopic: new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true }),
    prompts: CallbackPromptSets.SPANISH_US,
    voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL },
    agentVoice: { voiceId: 'Joanna', engine: SpeechEngine.NEURAL },
    inQueueCallbackOffer: { interval: Duration.seconds(45) },
    minimumWaitForCallback: Duration.minutes(2),
    ...extra,
  });
  // An operator role of the app's, granted both API methods: its policy is walked too.
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  construct.grantList(operator);
  construct.grantCancel(operator);
  return { name, stack, template: Template.fromStack(stack), key };
}

// Both callback modes, with the same least-privilege rules: customer-first adds flows and the contact event
// processor's DeleteItem (test/handlers/grants.test.ts), and no other permission or acknowledgement.
const VARIANTS: Array<() => Variant> = [
  () => defaults(),
  () => allOptions(),
  () => defaults(CUSTOMER_FIRST, 'customer first'),
  () => allOptions(CUSTOMER_FIRST, 'customer first, all options'),
];

/** Every acknowledgement recorded in the tree: [construct path, rule id, reason]. */
function acknowledgements(scope: IConstruct): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.push([node.node.path, id.replace(/^annotation::/i, ''), reason]);
    }
  }
  return found;
}

describe.each(VARIANTS.map((make) => [make().name, make] as const))('cdk-nag AwsSolutions (%s)', (_name, make) => {
  test('no unacknowledged error or warning', () => {
    const { stack } = make();
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack.node.root);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every acknowledgement is made inside the construct (or on the framework function it creates), with a reason', () => {
    const { stack } = make();
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const [where, id, reason] of acks) {
      expect(where).toMatch(/^TestStack\/(Callbacks\/|AWS679f53fac002430cb0da5b7982bd2287$)/);
      expect(id).toMatch(/^AwsSolutions-(IAM5\[(Resource|Action)::.+\]|SQS3|L1)$/);
      expect(reason.length).toBeGreaterThan(80);
    }
    // Wildcard resources acknowledged are exactly the documented bounded ones.
    const resources = new Set(acks.map(([, id]) => /^AwsSolutions-IAM5\[Resource::(.*)\]$/.exec(id)?.[1]).filter((r) => r !== undefined));
    expect([...resources].sort()).toEqual([
      expect.stringMatching(/^<CallbacksQueueOutboundWhisperHandler[0-9A-F]{8}\.Arn>:\*$/),
      `${INSTANCE_ARN}/contact-flow/*`,
      `${INSTANCE_ARN}/contact/*`,
      `arn:aws:connect:${REGION}:${ACCOUNT}:phone-number/*`,
    ]);
  });

  test('the acknowledgements are listed in the README\'s security review', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Security review'));
    expect(section.length).toBeGreaterThan(100);
    for (const [, id] of acknowledgements(make().stack)) expect(section).toContain(id.replace(/\[.*$/, ''));
    for (const wildcard of ['instance/<id>/contact/*', 'instance/<id>/contact-flow/*', 'phone-number/*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      expect(section).toContain(wildcard);
    }
  });
});

/** A resource is the construct's own when it is a Ref or Fn::GetAtt of a resource in the template. */
function ownResource(template: any, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const ref = (value as any).Ref ?? (value as any)['Fn::GetAtt']?.[0];
  return typeof ref === 'string' && ref in template.Resources;
}

/** `<own table ARN>/index/open-records`: the sparse index, the only index a policy names. */
function ownOpenRecordsIndex(template: any, value: unknown): boolean {
  const join = (value as any)?.['Fn::Join'];
  return Array.isArray(join) && join[0] === '' && join[1].length === 2 && ownResource(template, join[1][0]) && join[1][1] === '/index/open-records';
}

/** One exact route of the construct's own HTTP API on its one stage: `arn:...:execute-api:...:<api id>/$default/<METHOD>/<path>`. */
function ownApiRoute(template: any, value: unknown): boolean {
  const join = (value as any)?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '') return false;
  const parts: unknown[] = join[1];
  const last = parts[parts.length - 1];
  const apiRef = parts.find((part) => typeof (part as any)?.Ref === 'string' && !(part as any).Ref.startsWith('AWS::'));
  return ownResource(template, apiRef) && template.Resources[(apiRef as any).Ref].Type === 'AWS::ApiGatewayV2::Api'
    && (last === '/$default/GET/callbacks' || last === '/$default/POST/callbacks/cancel');
}

/** Wildcards the construct documents (README, "Security review"): bounded to the instance, or the account's numbers. */
const BOUNDED_WILDCARDS = [`${INSTANCE_ARN}/contact/*`, `${INSTANCE_ARN}/contact-flow/*`, `arn:aws:connect:${REGION}:${ACCOUNT}:phone-number/*`];
const GIVEN_ARNS = [INSTANCE_ARN, QUEUE_ARN, STREAM_ARN, PHONE_NUMBER_ARN];

function statementsOf(template: any): Array<{ where: string; statement: any }> {
  const found: Array<{ where: string; statement: any }> = [];
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    const documents: any[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') documents.push(resource.Properties.PolicyDocument);
    if (resource.Type === 'AWS::IAM::Role') documents.push(...(resource.Properties.Policies ?? []).map((p: any) => p.PolicyDocument));
    for (const document of documents) for (const statement of document.Statement) found.push({ where: id, statement });
  }
  return found;
}

describe.each(VARIANTS.map((make) => [make().name, make] as const))('IAM policy walk (%s)', (_name, make) => {
  const { template: assertions } = make();
  const template = assertions.toJSON();

  test('no role has a managed policy: every permission is written out in the template', () => {
    for (const [, role] of resourcesOf(assertions, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('no statement allows "*" or a whole service ("x:*"), and none denies or uses NotAction/NotResource', () => {
    const statements = statementsOf(template);
    expect(statements.length).toBeGreaterThan(12);
    for (const { where, statement } of statements) {
      expect({ where, effect: statement.Effect }).toEqual({ where, effect: 'Allow' });
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
      for (const action of [statement.Action].flat()) {
        expect({ where, action }).toEqual({ where, action: expect.stringMatching(/^[a-z0-9-]+:[A-Za-z]+\*?$/) });
      }
    }
  });

  test('every resource is the construct\'s own, a given ARN, or a documented bounded wildcard', () => {
    for (const { where, statement } of statementsOf(template)) {
      for (const resource of [statement.Resource].flat()) {
        const join = (resource as any)?.['Fn::Join'];
        // The provider framework invokes every version of the function it fronts: `<function ARN>:*`.
        const ownQualified = join && join[0] === '' && join[1].length === 2 && ownResource(template, join[1][0]) && join[1][1] === ':*';
        const ok = ownResource(template, resource) || ownQualified || ownOpenRecordsIndex(template, resource) || ownApiRoute(template, resource)
          || GIVEN_ARNS.includes(resource) || BOUNDED_WILDCARDS.includes(resource);
        expect({ where, resource, ok }).toEqual({ where, resource, ok: true });
      }
    }
  });

  test('Connect may invoke a function only from this instance in this account; EventBridge only from its rule; API Gateway only from its route', () => {
    const permissions = resourcesOf(assertions, 'AWS::Lambda::Permission');
    const byPrincipal = (principal: string) => permissions.filter(([, p]) => p.Properties.Principal === principal).length;
    // The two flow-facing functions (Connect); the contact event processor and the reconciler (EventBridge); the
    // callbacks API's two functions (API Gateway), when it is on.
    expect(byPrincipal('connect.amazonaws.com')).toBe(2);
    expect(byPrincipal('events.amazonaws.com')).toBe(2);
    expect(byPrincipal('apigateway.amazonaws.com')).toBe(template.Resources && resourcesOf(assertions, 'AWS::ApiGatewayV2::Api').length > 0 ? 2 : 0);
    expect(permissions.length).toBe(byPrincipal('connect.amazonaws.com') + byPrincipal('events.amazonaws.com') + byPrincipal('apigateway.amazonaws.com'));
    const rules = resourcesOf(assertions, 'AWS::Events::Rule');
    for (const [id, permission] of permissions) {
      const p = permission.Properties;
      expect({ id, action: p.Action }).toEqual({ id, action: 'lambda:InvokeFunction' });
      expect(ownResource(template, p.FunctionName)).toBe(true);
      if (p.Principal === 'connect.amazonaws.com') {
        expect({ id, account: p.SourceAccount, arn: p.SourceArn }).toEqual({ id, account: ACCOUNT, arn: INSTANCE_ARN });
      } else if (p.Principal === 'events.amazonaws.com') {
        // The rule whose one target is this very function.
        const [ruleId] = rules.find(([, rule]) => rule.Properties.Targets.some((t: any) => t.Arn['Fn::GetAtt']?.[0] === p.FunctionName['Fn::GetAtt']?.[0]))!;
        expect({ id, arn: p.SourceArn }).toEqual({ id, arn: { 'Fn::GetAtt': [ruleId, 'Arn'] } });
      } else {
        // Only the route that integrates it, on the construct's API: `...:<api id>/*/<METHOD>/<path>` (any stage).
        const parts = p.SourceArn['Fn::Join'][1];
        expect(ownResource(template, parts.find((part: any) => typeof part?.Ref === 'string' && !part.Ref.startsWith('AWS::')))).toBe(true);
        expect(['/*/*/callbacks', '/*/*/callbacks/cancel']).toContain(parts[parts.length - 1]);
      }
    }
  });
});

describe('encryption with a customer-managed key', () => {
  test('a key defined in the app encrypts the table, both dead-letter queues and every log group', () => {
    const { template, key, stack } = allOptions();
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } });
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, queue] of queues) expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
    // Write and update callback, both processors, the custom resource and its framework, the phone association, the
    // reconciler, the callbacks API's two functions and its access log.
    expect(logGroups).toHaveLength(11);
    for (const [id, logGroup] of logGroups) expect({ id, key: logGroup.Properties.KmsKeyId }).toEqual({ id, key: keyArn });
  });

  test('its key policy lets CloudWatch Logs of this region use it, for this account\'s log groups only', () => {
    const { template } = allOptions();
    const [, key] = resourcesOf(template, 'AWS::KMS::Key')[0];
    const forLogs = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === `logs.${REGION}.amazonaws.com`);
    expect(forLogs).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:*`]] } } },
    })]);
  });

  test('an imported key encrypts the log groups too, and its policy is left to its owner (documented on the prop)', () => {
    const stack = newStack();
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/12345678-1234-4234-8234-123456789012`;
    addConstruct(stack, 'Callbacks', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', keyArn) });
    const template = Template.fromStack(stack);
    for (const [, logGroup] of resourcesOf(template, 'AWS::Logs::LogGroup')) expect(logGroup.Properties.KmsKeyId).toBe(keyArn);
    expect(resourcesOf(template, 'AWS::KMS::Key')).toEqual([]);
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'callback-management.ts'), 'utf8');
    expect(docs).toContain('For an\n   * imported key, its owner must add the same statement to the key policy');
  });

  test('without a key, nothing names a customer-managed key', () => {
    const { template } = defaults();
    for (const [, logGroup] of resourcesOf(template, 'AWS::Logs::LogGroup')) expect(logGroup.Properties.KmsKeyId).toBeUndefined();
  });
});

describe('contact-flow logging', () => {
  /** Each flow's content by its template name (the end of its name), with its type. */
  const flowsOf = (template: Template) => Object.fromEntries(resourcesOf(template, 'AWS::Connect::ContactFlow')
    .map(([, resource]) => [templateOf(resource.Properties.Name), { ...flowContent(resource), type: resource.Properties.Type }]));
  const templateOf = (name: string) => (Object.keys(FLOW_TEMPLATES) as FlowTemplateName[]).find((t) => name.endsWith(`-${t}`))!;

  test.each([['agent first', {}], ['customer first', CUSTOMER_FIRST]] as const)('is off by default (%s): every flow starts by disabling it, whatever a transferring flow had set', (_mode, extra) => {
    const flows = flowsOf(defaults(extra).template);
    expect(Object.keys(flows)).toHaveLength(extra === CUSTOMER_FIRST ? 7 : 4);
    for (const flow of Object.values<any>(flows)) {
      const first = flow.Actions.find((a: any) => a.Identifier === flow.StartAction);
      expect(first).toMatchObject({ Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: 'Disabled' } });
      expect(flow.Actions.filter((a: any) => a.Type === 'UpdateFlowLoggingBehavior')).toHaveLength(1);
    }
  });

  test.each([['AGENT_FIRST', {}], ['CUSTOMER_FIRST', CUSTOMER_FIRST]] as const)('contactFlowLogging: true makes every flow start by enabling it, then go on to its own first action (%s)', (mode, extra) => {
    const flows = flowsOf(allOptions(extra).template);
    expect(Object.keys(flows).sort()).toEqual(flowTemplatesFor(mode, true).sort());
    for (const [name, { type, ...flow }] of Object.entries<any>(flows)) {
      const first = flow.Actions.find((a: any) => a.Identifier === flow.StartAction);
      expect(first).toEqual({
        Identifier: 'set-flow-logging',
        Type: 'UpdateFlowLoggingBehavior',
        Parameters: { FlowLoggingBehavior: 'Enabled' },
        Transitions: { NextAction: 'set-voice' },
      });
      // Then the voice, then the template's own start.
      expect(flow.Actions.find((a: any) => a.Identifier === 'set-voice').Transitions.NextAction).toBe(loadFlowTemplate(name as FlowTemplateName).StartAction);
      expect(flow.Metadata.ActionMetadata['set-flow-logging'].position).toEqual({ x: expect.any(Number), y: expect.any(Number) });
      const exportedCallbackParameters = Object.keys(SIM_CUSTOMER_FIRST_PARAMETERS);
      expect(checkFlow(flow, type as any, { callbackMode: mode, exportedCallbackParameters })).toEqual([]);
    }
  });

  test('the checker knows UpdateFlowLoggingBehavior: every flow type, Enabled or Disabled, no errors or conditions', () => {
    expect(ACTION_SPECS.UpdateFlowLoggingBehavior).toMatchObject({ required: ['FlowLoggingBehavior'], optional: [], errors: [], conditions: false });
    const flow = (value: string, extra: object = {}) => ({
      Version: '2019-10-30',
      StartAction: 'log',
      Actions: [
        { Identifier: 'log', Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: value }, Transitions: { NextAction: 'end', ...extra } },
        { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
      ],
    });
    expect(checkFlow(flow('Disabled'), 'AGENT_WHISPER')).toEqual([]);
    expect(checkFlow(flow('Enabled'), 'OUTBOUND_WHISPER')).toEqual([]);
    expect(checkFlow(flow('On'), 'AGENT_WHISPER')).toEqual([{ actionId: 'log', message: 'FlowLoggingBehavior must be "Enabled" or "Disabled", got "On"' }]);
    expect(checkFlow(flow('Enabled', { Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'end' }] }), 'AGENT_WHISPER'))
      .toEqual([{ actionId: 'log', message: 'UpdateFlowLoggingBehavior has no error "NoMatchingError"' }]);
  });
});

describe('flow-side abuse', () => {
  test('every loop is unrolled: the checker reports any cycle, and the shipped flows have none', () => {
    const looping = {
      Version: '2019-10-30',
      StartAction: 'ask',
      Actions: [
        {
          Identifier: 'ask',
          Type: 'GetParticipantInput',
          Parameters: { Text: 'Press 1', InputTimeLimitSeconds: '5' },
          Transitions: {
            NextAction: 'bye',
            Conditions: [{ NextAction: 'bye', Condition: { Operator: 'Equals', Operands: ['1'] } }],
            Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'sorry' }, { ErrorType: 'NoMatchingError', NextAction: 'bye' }],
          },
        },
        { Identifier: 'sorry', Type: 'MessageParticipant', Parameters: { Text: 'Again.' }, Transitions: { NextAction: 'ask' } },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    };
    expect(checkFlow(looping, 'CONTACT_FLOW')).toEqual([{ actionId: 'ask', message: expect.stringMatching(/^is on a loop \(ask > sorry > ask\)/) }]);
    const selfLoop = JSON.parse(JSON.stringify(looping));
    selfLoop.Actions[1].Transitions.NextAction = 'sorry';
    selfLoop.Actions[0].Transitions.Errors[0].NextAction = 'sorry';
    expect(checkFlow(selfLoop, 'CONTACT_FLOW')).toEqual([{ actionId: 'sorry', message: expect.stringMatching(/^is on a loop \(sorry > sorry\)/) }]);
    // The shipped flows pass the checker (flows.test.ts), cycle rule included.
    for (const name of Object.keys(FLOW_TEMPLATES) as FlowTemplateName[]) {
      expect(checkFlow(loadFlowTemplate(name), FLOW_TEMPLATES[name]).filter((f) => f.message.startsWith('is on a loop'))).toEqual([]);
    }
  });

  test('the number a caller types is bounded by Connect\'s phone-number validation (E.164: at most 15 digits)', () => {
    const flow = loadFlowTemplate('set-callback');
    const storing = flow.Actions.filter((a: any) => a.Type === 'GetParticipantInput' && a.Parameters.StoreInput === 'True');
    expect(storing.map((a: any) => a.Identifier).sort()).toEqual(['enter-number', 'enter-number-again']);
    for (const action of storing) {
      // No free-form input: only a number valid for the country reaches the flow, and the handlers check it again
      // (lambda-src/shared/phone.ts rejects anything over MAX_PHONE_INPUT_LENGTH characters before parsing).
      expect(action.Parameters.InputValidation).toEqual({ PhoneNumberValidation: { NumberFormat: 'Local', CountryCode: '${DefaultCountry}' } });
      expect(action.Transitions.Errors.map((e: any) => e.ErrorType)).toContain('InvalidPhoneNumber');
    }
  });
});

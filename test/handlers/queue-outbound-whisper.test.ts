/**
 * The queue outbound whisper custom resource against the local Connect endpoint (test/support/connect-endpoint.ts),
 * called by the real @aws-sdk/client-connect, through the CloudFormation request sequences it must survive.
 */
import { ConnectClient, DescribeContactFlowCommand, DescribeQueueCommand, ListContactFlowsCommand, UpdateQueueOutboundCallerConfigCommand } from '@aws-sdk/client-connect';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_OUTBOUND_FLOW_NAME, MANAGED_OUTBOUND_WHISPER_DESCRIPTION } from '../../lambda-src/handlers/queue-outbound-whisper';
import { synth } from '../construct/fixtures';
import { ConnectEndpoint, startConnectEndpoint } from '../support/connect-endpoint';
import { VARIANTS, loadHandler, useTestAwsEnvironment } from '../support/handlers';

const INSTANCE_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;
/** An instance without a "Default outbound" flow. */
const BARE_INSTANCE_ID = 'bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const BARE_INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${BARE_INSTANCE_ID}`;

const flowArn = (id: string, instanceArn = INSTANCE_ARN) => `${instanceArn}/contact-flow/${id}`;
const FLOW_ID = 'f1f1f1f1-0000-4000-8000-000000000001';
const OUR_FLOW_ARN = flowArn(FLOW_ID);
/** Our flow after a change that replaced it (a new flow resource, a new ARN). */
const NEXT_FLOW_ID = 'f1f1f1f1-0000-4000-8000-000000000002';
/** The outbound whisper flow of a construct in another stack. */
const OTHER_CONSTRUCT_FLOW_ID = 'f2f2f2f2-0000-4000-8000-000000000001';
const PREVIOUS_FLOW = 'f0f0f0f0-0000-4000-8000-000000000000';
const DEFAULT_OUTBOUND = 'd0d0d0d0-0000-4000-8000-000000000000';
const CALLER_ID = { OutboundCallerIdName: 'Example Support', OutboundCallerIdNumberId: 'aaaa1111-2222-4333-8444-555555555555' };

type ProviderHandler = (event: unknown) => Promise<{ PhysicalResourceId: string }>;

let connect: ConnectEndpoint;
beforeAll(async () => {
  connect = await startConnectEndpoint();
  useTestAwsEnvironment({ connect: connect.endpoint });
  const ours = { Type: 'OUTBOUND_WHISPER', Description: MANAGED_OUTBOUND_WHISPER_DESCRIPTION };
  connect.flows.set(OUR_FLOW_ARN, { Name: 'callbacks-a-outbound-whisper', ...ours });
  connect.flows.set(flowArn(NEXT_FLOW_ID), { Name: 'callbacks-b-outbound-whisper', ...ours });
  connect.flows.set(flowArn(OTHER_CONSTRUCT_FLOW_ID), { Name: 'other-stack-outbound-whisper', ...ours });
  connect.flows.set(flowArn(PREVIOUS_FLOW), { Name: 'Sales outbound whisper', Type: 'OUTBOUND_WHISPER', Description: 'Says hello' });
  connect.flows.set(flowArn('c0c0c0c0-0000-4000-8000-000000000000'), { Name: DEFAULT_OUTBOUND_FLOW_NAME, Type: 'CONTACT_FLOW' });
  connect.flows.set(flowArn(DEFAULT_OUTBOUND), { Name: DEFAULT_OUTBOUND_FLOW_NAME, Type: 'OUTBOUND_WHISPER' });
  connect.flows.set(flowArn('e0e0e0e0-0000-4000-8000-000000000000', BARE_INSTANCE_ARN), { Name: 'Custom outbound', Type: 'OUTBOUND_WHISPER' });
});
afterAll(() => connect.stop());

describe.each(VARIANTS)('queue outbound whisper custom resource (%s)', (variant) => {
  let handler: ProviderHandler;
  let queues = 0;
  /** A new queue of `instanceId` with `config`; returns its id. */
  const newQueue = (config: Record<string, string> = { ...CALLER_ID, OutboundFlowId: PREVIOUS_FLOW }, instanceId = INSTANCE_ID) => {
    const id = `${variant === 'source' ? '1' : '2'}${String(queues++).padStart(7, '0')}-2222-4333-8444-555555555555`;
    connect.queues.set(`${instanceId}/${id}`, config);
    return id;
  };
  const queue = (id: string, instanceId = INSTANCE_ID) => connect.queues.get(`${instanceId}/${id}`);
  const props = (queueId: string, flow = OUR_FLOW_ARN, instanceArn = INSTANCE_ARN) =>
    ({ InstanceArn: instanceArn, QueueId: queueId, OutboundFlowArn: flow });
  const create = (properties: object) => handler({ RequestType: 'Create', ResourceProperties: properties });
  const update = (properties: object, old: object, physicalId: string) =>
    handler({ RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: old, PhysicalResourceId: physicalId });
  const remove = (properties: object, physicalId: string) => handler({ RequestType: 'Delete', ResourceProperties: properties, PhysicalResourceId: physicalId });

  beforeEach(() => {
    handler = loadHandler<ProviderHandler>('queue-outbound-whisper', variant);
    connect.queueUpdates.length = 0;
    connect.listPageSize = 100;
  });
  afterEach(() => {
    // What an omitted OutboundFlowId does is undocumented: no update may rely on it.
    for (const { config } of connect.queueUpdates) expect(config.OutboundFlowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(connect.unexpected).toEqual([]);
  });

  test('create sets our flow and keeps the caller ID name and number; delete puts the previous flow back', async () => {
    const queueId = newQueue();
    const created = await create(props(queueId));
    expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: FLOW_ID });

    await remove(props(queueId), created.PhysicalResourceId);
    expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: PREVIOUS_FLOW });
  });

  test('an update on the same queue keeps the physical id and remembers the flow from before the first create', async () => {
    const queueId = newQueue();
    const created = await create(props(queueId));
    const updated = await update(props(queueId), props(queueId), created.PhysicalResourceId);
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    await remove(props(queueId), updated.PhysicalResourceId);
    expect(queue(queueId)?.OutboundFlowId).toBe(PREVIOUS_FLOW);
  });

  test('a new flow on the same queue replaces ours, keeps the physical id, and the delete still restores the queue', async () => {
    const queueId = newQueue();
    const created = await create(props(queueId));
    const updated = await update(props(queueId, flowArn(NEXT_FLOW_ID)), props(queueId), created.PhysicalResourceId);
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: NEXT_FLOW_ID });
    await remove(props(queueId, flowArn(NEXT_FLOW_ID)), updated.PhysicalResourceId);
    expect(queue(queueId)?.OutboundFlowId).toBe(PREVIOUS_FLOW);
  });

  test('delete leaves the queue alone when someone has chosen another flow since', async () => {
    const queueId = newQueue();
    const created = await create(props(queueId));
    connect.queues.set(`${INSTANCE_ID}/${queueId}`, { ...CALLER_ID, OutboundFlowId: 'eeeeeeee-0000-4000-8000-000000000000' });
    connect.queueUpdates.length = 0;
    await remove(props(queueId), created.PhysicalResourceId);
    expect(connect.queueUpdates).toEqual([]);
    expect(queue(queueId)?.OutboundFlowId).toBe('eeeeeeee-0000-4000-8000-000000000000');
  });

  test('a failed create (unknown queue) fails the deployment instead of pretending', async () => {
    await expect(create(props('99999999-2222-4333-8444-555555555555'))).rejects.toThrow(/not found/);
  });

  test('delete of a queue that no longer exists succeeds without an update', async () => {
    const queueId = newQueue();
    const created = await create(props(queueId));
    connect.queues.delete(`${INSTANCE_ID}/${queueId}`);
    connect.queueUpdates.length = 0;
    await expect(remove(props(queueId), created.PhysicalResourceId)).resolves.toEqual(created);
    expect(connect.queueUpdates).toEqual([]);
  });

  test('the provider framework\'s marker of a failed create is deleted without touching any queue', async () => {
    const marker = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
    await expect(remove(props(newQueue()), marker)).resolves.toEqual({ PhysicalResourceId: marker });
    expect(connect.queueUpdates).toEqual([]);
  });

  describe('item 1: a new queueArn (Update to another queue, then Delete of the old physical id)', () => {
    test('the update sets the new queue under a new physical id; the delete of the old one restores the old queue', async () => {
      const oldQueue = newQueue();
      const newQueueId = newQueue({ ...CALLER_ID, OutboundFlowId: DEFAULT_OUTBOUND });
      const created = await create(props(oldQueue));

      const updated = await update(props(newQueueId), props(oldQueue), created.PhysicalResourceId);
      expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
      expect(queue(newQueueId)).toEqual({ ...CALLER_ID, OutboundFlowId: FLOW_ID });
      expect(queue(oldQueue)?.OutboundFlowId).toBe(FLOW_ID);

      // CloudFormation's cleanup: Delete with the old physical id (and the old resource's properties).
      await remove(props(oldQueue), created.PhysicalResourceId);
      expect(queue(oldQueue)).toEqual({ ...CALLER_ID, OutboundFlowId: PREVIOUS_FLOW });
      expect(queue(newQueueId)?.OutboundFlowId).toBe(FLOW_ID);

      // Later, the stack's deletion restores the new queue.
      await remove(props(newQueueId), updated.PhysicalResourceId);
      expect(queue(newQueueId)?.OutboundFlowId).toBe(DEFAULT_OUTBOUND);
    });

    test('with a new flow too, the old queue is restored whichever properties the cleanup Delete carries', async () => {
      for (const cleanupProps of ['old', 'new'] as const) {
        const oldQueue = newQueue();
        const newQueueId = newQueue();
        const created = await create(props(oldQueue));
        const updated = await update(props(newQueueId, flowArn(NEXT_FLOW_ID)), props(oldQueue), created.PhysicalResourceId);
        expect(queue(newQueueId)?.OutboundFlowId).toBe(NEXT_FLOW_ID);

        await remove(cleanupProps === 'old' ? props(oldQueue) : props(newQueueId, flowArn(NEXT_FLOW_ID)), created.PhysicalResourceId);
        expect({ cleanupProps, flow: queue(oldQueue)?.OutboundFlowId }).toEqual({ cleanupProps, flow: PREVIOUS_FLOW });
        expect(queue(newQueueId)?.OutboundFlowId).toBe(NEXT_FLOW_ID);
        await remove(props(newQueueId, flowArn(NEXT_FLOW_ID)), updated.PhysicalResourceId);
        expect(queue(newQueueId)?.OutboundFlowId).toBe(PREVIOUS_FLOW);
      }
    });

    test('a physical id of an earlier release (three parts) still restores its queue', async () => {
      const queueId = newQueue({ ...CALLER_ID, OutboundFlowId: FLOW_ID });
      await remove(props(queueId), `${INSTANCE_ARN}|${queueId}|${PREVIOUS_FLOW}`);
      expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: PREVIOUS_FLOW });
    });
  });

  describe('item 2: a queue already set by a construct of another stack or app', () => {
    test('the second create fails naming that flow, and leaves the queue as it was', async () => {
      const queueId = newQueue();
      const first = await create(props(queueId, flowArn(OTHER_CONSTRUCT_FLOW_ID)));
      connect.queueUpdates.length = 0;
      const second = create(props(queueId));
      await expect(second).rejects.toThrow(`queue ${queueId} of instance ${INSTANCE_ID} already has the outbound whisper flow `
        + `"other-stack-outbound-whisper" (${flowArn(OTHER_CONSTRUCT_FLOW_ID)}) of another callback management construct`);
      await expect(second).rejects.toThrow(/configureQueueOutboundWhisper: false/);
      expect(connect.queueUpdates).toEqual([]);
      expect(queue(queueId)?.OutboundFlowId).toBe(OTHER_CONSTRUCT_FLOW_ID);

      // The first construct's stack still restores the queue's own flow.
      await remove(props(queueId, flowArn(OTHER_CONSTRUCT_FLOW_ID)), first.PhysicalResourceId);
      expect(queue(queueId)?.OutboundFlowId).toBe(PREVIOUS_FLOW);
    });

    test('an update moving to such a queue fails too, and the old queue keeps our flow', async () => {
      const oldQueue = newQueue();
      const taken = newQueue({ ...CALLER_ID, OutboundFlowId: OTHER_CONSTRUCT_FLOW_ID });
      const created = await create(props(oldQueue));
      await expect(update(props(taken), props(oldQueue), created.PhysicalResourceId)).rejects.toThrow(/other-stack-outbound-whisper/);
      expect(queue(taken)?.OutboundFlowId).toBe(OTHER_CONSTRUCT_FLOW_ID);
      expect(queue(oldQueue)?.OutboundFlowId).toBe(FLOW_ID);
    });

    test('the instance\'s "Default outbound" or another ordinary flow is saved and restored as before', async () => {
      for (const previous of [DEFAULT_OUTBOUND, PREVIOUS_FLOW]) {
        const queueId = newQueue({ ...CALLER_ID, OutboundFlowId: previous });
        const created = await create(props(queueId));
        expect(queue(queueId)?.OutboundFlowId).toBe(FLOW_ID);
        await remove(props(queueId), created.PhysicalResourceId);
        expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: previous });
      }
    });

    test('a flow the queue names but that no longer exists is not put back: the queue gets "Default outbound"', async () => {
      const queueId = newQueue({ ...CALLER_ID, OutboundFlowId: '0dead000-0000-4000-8000-000000000000' });
      const created = await create(props(queueId));
      await remove(props(queueId), created.PhysicalResourceId);
      expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: DEFAULT_OUTBOUND });
    });
  });

  describe('item 3: a queue with no outbound whisper flow before', () => {
    test('delete puts the instance\'s "Default outbound" on it (what runs for a queue without one), never an omitted flow', async () => {
      const queueId = newQueue({ ...CALLER_ID });
      const created = await create(props(queueId));
      expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: FLOW_ID });
      await remove(props(queueId), created.PhysicalResourceId);
      expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: DEFAULT_OUTBOUND });
    });

    test('"Default outbound" is found on a later page of ListContactFlows, and only among outbound whisper flows', async () => {
      connect.listPageSize = 1;
      const queueId = newQueue({});
      const created = await create(props(queueId));
      await remove(props(queueId), created.PhysicalResourceId);
      expect(queue(queueId)).toEqual({ OutboundFlowId: DEFAULT_OUTBOUND });
    });

    test('without a "Default outbound", create fails before touching the queue and says what to do', async () => {
      const queueId = newQueue({ ...CALLER_ID }, BARE_INSTANCE_ID);
      const failed = create(props(queueId, flowArn(FLOW_ID, BARE_INSTANCE_ARN), BARE_INSTANCE_ARN));
      await expect(failed).rejects.toThrow(`queue ${queueId} of instance ${BARE_INSTANCE_ID} has no outbound whisper flow.`);
      await expect(failed).rejects.toThrow(/documents no way to clear .* named "Default outbound".* this instance has none\. Set an outbound whisper flow on the queue first/);
      expect(connect.queueUpdates).toEqual([]);
      expect(queue(queueId, BARE_INSTANCE_ID)).toEqual({ ...CALLER_ID });
    });

    test('a "Default outbound" gone by delete time fails the delete, naming what to do, and a retry after that succeeds', async () => {
      const queueId = newQueue({ ...CALLER_ID }, BARE_INSTANCE_ID);
      const ours = flowArn(FLOW_ID, BARE_INSTANCE_ARN);
      const defaultArn = flowArn(DEFAULT_OUTBOUND, BARE_INSTANCE_ARN);
      // Compared without case: the admin guide's page titles capitalize it ("Default Outbound").
      connect.flows.set(defaultArn, { Name: 'Default Outbound', Type: 'OUTBOUND_WHISPER' });
      const created = await create(props(queueId, ours, BARE_INSTANCE_ARN));
      connect.flows.delete(defaultArn);

      await expect(remove(props(queueId, ours, BARE_INSTANCE_ARN), created.PhysicalResourceId))
        .rejects.toThrow(/cannot take our outbound whisper flow .* which had none before: .* Choose another outbound whisper flow for the queue .* then retry the delete/);
      expect(queue(queueId, BARE_INSTANCE_ID)?.OutboundFlowId).toBe(FLOW_ID);

      connect.queues.set(`${BARE_INSTANCE_ID}/${queueId}`, { ...CALLER_ID, OutboundFlowId: 'e0e0e0e0-0000-4000-8000-000000000000' });
      await remove(props(queueId, ours, BARE_INSTANCE_ARN), created.PhysicalResourceId);
      expect(queue(queueId, BARE_INSTANCE_ID)?.OutboundFlowId).toBe('e0e0e0e0-0000-4000-8000-000000000000');
    });

    test('a physical id of an earlier release with no previous flow (\'-\') gets "Default outbound" too', async () => {
      const queueId = newQueue({ ...CALLER_ID, OutboundFlowId: FLOW_ID });
      await remove(props(queueId), `${INSTANCE_ARN}|${queueId}|-`);
      expect(queue(queueId)).toEqual({ ...CALLER_ID, OutboundFlowId: DEFAULT_OUTBOUND });
    });
  });

  describe('item 4: identifiers, not ARNs', () => {
    test('every request names the instance, queue and flows by id (the endpoint refuses ARNs)', async () => {
      connect.actions.length = 0;
      const queueId = newQueue({ ...CALLER_ID });
      const created = await create(props(queueId));
      await remove(props(queueId), created.PhysicalResourceId);
      expect(connect.actions).toEqual(expect.arrayContaining(['connect:DescribeQueue', 'connect:ListContactFlows', 'connect:UpdateQueueOutboundCallerConfig']));
      expect(connect.queueUpdates.map((u) => u.queue)).toEqual([`${INSTANCE_ID}/${queueId}`, `${INSTANCE_ID}/${queueId}`]);
    });

    test('a queue ARN given as QueueId is refused by Connect, and the deployment fails', async () => {
      const queueId = newQueue();
      await expect(create(props(`${INSTANCE_ARN}/queue/${queueId}`))).rejects.toMatchObject({ name: 'InvalidParameterException' });
      expect(connect.queueUpdates).toEqual([]);
    });
  });
});

describe('the local Connect endpoint refuses an ARN where an identifier is asked, as InvalidParameterException (400)', () => {
  const client = () => new ConnectClient({ maxAttempts: 1 });
  const refused = { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } };
  const queueId = '30000000-2222-4333-8444-555555555555';
  beforeAll(() => connect.queues.set(`${INSTANCE_ID}/${queueId}`, { OutboundFlowId: PREVIOUS_FLOW }));

  test('InstanceId and QueueId (path labels) of DescribeQueue and UpdateQueueOutboundCallerConfig', async () => {
    await expect(client().send(new DescribeQueueCommand({ InstanceId: INSTANCE_ID, QueueId: queueId }))).resolves.toBeDefined();
    await expect(client().send(new DescribeQueueCommand({ InstanceId: INSTANCE_ARN, QueueId: queueId }))).rejects.toMatchObject(refused);
    await expect(client().send(new DescribeQueueCommand({ InstanceId: INSTANCE_ID, QueueId: `${INSTANCE_ARN}/queue/${queueId}` }))).rejects.toMatchObject(refused);
    const config = { OutboundFlowId: FLOW_ID };
    const update = new UpdateQueueOutboundCallerConfigCommand({ InstanceId: INSTANCE_ARN, QueueId: queueId, OutboundCallerConfig: config });
    await expect(client().send(update)).rejects.toMatchObject(refused);
  });

  test('OutboundFlowId (a flow ARN or "") of UpdateQueueOutboundCallerConfig', async () => {
    for (const OutboundFlowId of [OUR_FLOW_ARN, '']) {
      const update = new UpdateQueueOutboundCallerConfigCommand({
        InstanceId: INSTANCE_ID, QueueId: queueId, OutboundCallerConfig: { OutboundFlowId },
      });
      await expect(client().send(update)).rejects.toMatchObject(refused);
    }
    expect(connect.queues.get(`${INSTANCE_ID}/${queueId}`)).toEqual({ OutboundFlowId: PREVIOUS_FLOW });
  });

  test('InstanceId of DescribeContactFlow and ListContactFlows; DescribeContactFlow takes the documented flow ARN form', async () => {
    await expect(client().send(new DescribeContactFlowCommand({ InstanceId: INSTANCE_ARN, ContactFlowId: FLOW_ID }))).rejects.toMatchObject(refused);
    await expect(client().send(new ListContactFlowsCommand({ InstanceId: INSTANCE_ARN }))).rejects.toMatchObject(refused);
    for (const ContactFlowId of [FLOW_ID, OUR_FLOW_ARN, `${OUR_FLOW_ARN}:$SAVED`]) {
      await expect(client().send(new DescribeContactFlowCommand({ InstanceId: INSTANCE_ID, ContactFlowId })))
        .resolves.toMatchObject({ ContactFlow: { Id: FLOW_ID, Description: MANAGED_OUTBOUND_WHISPER_DESCRIPTION } });
    }
  });
});

describe('the construct agrees with the handler', () => {
  const { template } = synth();

  test('the outbound whisper flow has the description by which the handler recognises a construct\'s flow', () => {
    const flows = Object.values<any>(template.findResources('AWS::Connect::ContactFlow')).filter((f) => f.Properties.Type === 'OUTBOUND_WHISPER');
    expect(flows.map((f) => f.Properties.Description)).toEqual([MANAGED_OUTBOUND_WHISPER_DESCRIPTION]);
  });

  test('the handler\'s role allows exactly the Connect actions its requests need', async () => {
    connect.actions.length = 0;
    const handler = loadHandler<ProviderHandler>('queue-outbound-whisper', 'bundle');
    const queueId = '40000000-2222-4333-8444-555555555555';
    connect.queues.set(`${INSTANCE_ID}/${queueId}`, { OutboundFlowId: PREVIOUS_FLOW });
    const props = { InstanceArn: INSTANCE_ARN, QueueId: queueId, OutboundFlowArn: OUR_FLOW_ARN };
    const created = await handler({ RequestType: 'Create', ResourceProperties: props });
    await handler({ RequestType: 'Update', ResourceProperties: props, OldResourceProperties: props, PhysicalResourceId: created.PhysicalResourceId });
    connect.queues.set(`${INSTANCE_ID}/${queueId}`, { OutboundFlowId: FLOW_ID });
    await handler({ RequestType: 'Delete', ResourceProperties: props, PhysicalResourceId: `${INSTANCE_ARN}|${queueId}|-|${FLOW_ID}` });

    expect([...new Set(connect.actions)].sort()).toEqual(grantedConnectActions(template));
  });
});

/** The Connect actions of the queue outbound whisper handler's role. */
function grantedConnectActions(template: Template): string[] {
  const policies = Object.entries<any>(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => /^CallbacksQueueOutboundWhisperHandlerServiceRoleDefaultPolicy/.test(id));
  expect(policies).toHaveLength(1);
  const actions = policies[0][1].Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
  return [...new Set<string>(actions.filter((a: string) => a.startsWith('connect:')))].sort();
}

import { ConnectEndpoint, startConnectEndpoint } from '../support/connect-endpoint';
import { VARIANTS, loadHandler, useTestAwsEnvironment } from '../support/handlers';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const FLOW_ID = 'f1f1f1f1-0000-4000-8000-000000000001';
const OUR_FLOW_ARN = `${INSTANCE_ARN}/contact-flow/${FLOW_ID}`;
const PREVIOUS_FLOW = 'f0f0f0f0-0000-4000-8000-000000000000';
const CALLER_ID = { OutboundCallerIdName: 'Example Support', OutboundCallerIdNumberId: 'aaaa1111-2222-4333-8444-555555555555' };

type ProviderHandler = (event: unknown) => Promise<{ PhysicalResourceId: string }>;

let connect: ConnectEndpoint;
beforeAll(async () => {
  connect = await startConnectEndpoint();
  useTestAwsEnvironment({ connect: connect.endpoint });
});
afterAll(() => connect.stop());

describe.each(VARIANTS)('queue outbound whisper custom resource (%s)', (variant) => {
  let queueId: string;
  let queueKey: string;
  let handler: ProviderHandler;
  const props = () => ({ InstanceArn: INSTANCE_ARN, QueueId: queueId, OutboundFlowArn: OUR_FLOW_ARN });

  beforeEach(() => {
    queueId = `${variant === 'source' ? '1' : '2'}${Math.random().toString(16).slice(2, 9)}-2222-4333-8444-555555555555`;
    queueKey = `${INSTANCE_ARN}/${queueId}`;
    connect.queues.set(queueKey, { ...CALLER_ID, OutboundFlowId: PREVIOUS_FLOW });
    handler = loadHandler<ProviderHandler>('queue-outbound-whisper', variant);
  });

  test('create sets our flow and keeps the caller ID name and number; delete puts the previous flow back', async () => {
    const created = await handler({ RequestType: 'Create', ResourceProperties: props() });
    expect(connect.queues.get(queueKey)).toEqual({ ...CALLER_ID, OutboundFlowId: FLOW_ID });

    await handler({ RequestType: 'Delete', ResourceProperties: props(), PhysicalResourceId: created.PhysicalResourceId });
    expect(connect.queues.get(queueKey)).toEqual({ ...CALLER_ID, OutboundFlowId: PREVIOUS_FLOW });
  });

  test('an update on the same queue remembers the flow from before the first create', async () => {
    const created = await handler({ RequestType: 'Create', ResourceProperties: props() });
    const updated = await handler({
      RequestType: 'Update', ResourceProperties: props(), OldResourceProperties: props(), PhysicalResourceId: created.PhysicalResourceId,
    });
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    await handler({ RequestType: 'Delete', ResourceProperties: props(), PhysicalResourceId: updated.PhysicalResourceId });
    expect(connect.queues.get(queueKey)?.OutboundFlowId).toBe(PREVIOUS_FLOW);
  });

  test('delete leaves the queue alone when someone has chosen another flow since', async () => {
    const created = await handler({ RequestType: 'Create', ResourceProperties: props() });
    connect.queues.set(queueKey, { ...CALLER_ID, OutboundFlowId: 'eeeeeeee-0000-4000-8000-000000000000' });
    const updatesBefore = connect.queueUpdates.length;
    await handler({ RequestType: 'Delete', ResourceProperties: props(), PhysicalResourceId: created.PhysicalResourceId });
    expect(connect.queueUpdates.length).toBe(updatesBefore);
    expect(connect.queues.get(queueKey)?.OutboundFlowId).toBe('eeeeeeee-0000-4000-8000-000000000000');
  });

  test('a failed create (unknown queue) fails the deployment instead of pretending', async () => {
    await expect(handler({ RequestType: 'Create', ResourceProperties: { ...props(), QueueId: 'missing' } }))
      .rejects.toThrow(/not found/);
  });
});

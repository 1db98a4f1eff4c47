/**
 * Custom resource (CDK provider framework) that points a queue's outbound whisper flow at our flow, and puts the
 * queue's previous flow back on delete.
 *
 * Identifiers: every Connect operation called here asks for identifiers (InstanceId: "You can find the instance ID in
 * the Amazon Resource Name (ARN) of the instance"; QueueId, ContactFlowId, OutboundFlowId: "The identifier of ..."),
 * and none documents that it takes an ARN instead (@aws-sdk/client-connect model). So the instance id is taken out of
 * the instance ARN, the flow id out of the flow ARN, and QueueId is the queue id (the construct passes the id).
 *
 * Caller ID: whether UpdateQueueOutboundCallerConfig merges or replaces the config is not documented, so the queue's
 * caller ID name and number are read first (DescribeQueue) and sent back unchanged with the flow.
 *
 * State: the flow the queue had before, and our flow, are kept in the physical resource id, the only state
 * CloudFormation hands back on delete: `<instance ARN>|<queue id>|<previous flow id or '-'>|<our flow id>` (releases
 * before this one wrote the first three parts only).
 *
 * Queue change (a new queueArn): the Update sets our flow on the new queue and returns a new physical id; "If the value
 * returned is different, AWS CloudFormation recognizes the update as a replacement and sends a delete request to the
 * old resource" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html), and
 * that Delete, which carries the old physical id, restores the old queue. The docs do not say which properties that
 * Delete carries, so our flow on the old queue is recognised by the flow id in the old physical id as well as by the
 * properties' flow.
 *
 * Another construct's flow: a queue has one outbound whisper flow. If the queue's flow at create is the outbound
 * whisper flow of another callback management construct (another stack or app: one app is refused at synth), this
 * create fails, naming that flow. Putting it back on our delete would leave the queue pointing at a flow its own stack
 * deletes. Our flows are recognised by the description src/contact-flows.ts gives them, read with DescribeContactFlow.
 *
 * A queue with no outbound whisper flow: Connect documents no way to clear the flow. An empty OutboundFlowId is
 * rejected (InvalidParameterException, per the Terraform AWS provider), and what an omitted one does is undocumented.
 * So on delete the queue gets the instance's default outbound whisper flow, which is what runs for a queue without
 * one: "if you don't specify contact flows for ... Outbound whisper flow, then the default contact flow of that type
 * runs instead" (Administrator Guide, "Contact initiation methods", section "Override the default contact flows":
 * awsdocs/amazon-connect-admin-guide doc_source/contact-initiation-methods.md, live at
 * https://docs.aws.amazon.com/connect/latest/adminguide/contact-initiation-methods.html). The default flows "all start
 * with Default in their name" and the outbound whisper one is Default outbound, "This call is not being recorded"
 * (doc_source/contact-flow-default.md and default-outbound.md; live contact-flow-default.html, default-outbound.html);
 * the instances' default flow names capitalize only the first word ("Default queue transfer", "Default agent hold" in
 * the AWS CLI's list-contact-flows example, aws/aws-cli awscli/examples/connect/list-contact-flows.rst). So the
 * default is the OUTBOUND_WHISPER flow named "Default outbound" (compared without case), found with
 * ListContactFlows. If the instance has no such flow, the create fails before touching the queue, and a delete fails
 * rather than leave the queue pointing at a flow CloudFormation is about to delete; both errors say what to do.
 *
 * Delete leaves the queue alone when its flow is no longer ours (someone has chosen another since), or when the queue
 * no longer exists.
 */
import {
  ConnectClient,
  DescribeContactFlowCommand,
  DescribeQueueCommand,
  type OutboundCallerConfig,
  UpdateQueueOutboundCallerConfigCommand,
  paginateListContactFlows,
} from '@aws-sdk/client-connect';

interface Properties {
  readonly InstanceArn: string;
  readonly QueueId: string;
  readonly OutboundFlowArn: string;
}

interface ProviderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: Properties;
  readonly OldResourceProperties?: Properties;
  readonly PhysicalResourceId?: string;
}

/** The description src/contact-flows.ts gives the outbound whisper flow of every callback management construct. */
export const MANAGED_OUTBOUND_WHISPER_DESCRIPTION = 'Callback management: outbound-whisper (managed by CDK)';

/** The name of the instance's default outbound whisper flow (see the header). */
export const DEFAULT_OUTBOUND_FLOW_NAME = 'Default outbound';

const connect = new ConnectClient({});
const NO_PREVIOUS_FLOW = '-';

interface Queue {
  readonly instanceArn: string;
  readonly instanceId: string;
  readonly queueId: string;
}

interface State extends Queue {
  readonly previousFlowId?: string;
  /** Undefined in the physical ids of earlier releases. */
  readonly ourFlowId?: string;
}

function instanceIdOf(instanceArn: string): string {
  const id = /^arn:[^:]+:connect:[^:]*:\d{12}:instance\/([^/]+)$/.exec(instanceArn)?.[1];
  if (!id) throw new Error(`not an Amazon Connect instance ARN: ${instanceArn}`);
  return id;
}

function flowIdOf(flowArn: string): string {
  const id = /\/contact-flow\/([^/:]+)$/.exec(flowArn)?.[1];
  if (!id) throw new Error(`not a contact flow ARN: ${flowArn}`);
  return id;
}

function queueOf(instanceArn: string, queueId: string): Queue {
  return { instanceArn, instanceId: instanceIdOf(instanceArn), queueId };
}

function physicalId(queue: Queue, previousFlowId: string | undefined, ourFlowId: string): string {
  return [queue.instanceArn, queue.queueId, previousFlowId ?? NO_PREVIOUS_FLOW, ourFlowId].join('|');
}

/** Undefined for an id that is not ours, e.g. the provider framework's marker of a failed create. */
function parsePhysicalId(id: string | undefined): State | undefined {
  const parts = id?.split('|');
  if (!parts || (parts.length !== 3 && parts.length !== 4)) return undefined;
  const [instanceArn, queueId, previous, ours] = parts;
  return { ...queueOf(instanceArn, queueId), previousFlowId: previous === NO_PREVIOUS_FLOW ? undefined : previous, ourFlowId: ours };
}

function queueName(queue: Queue): string {
  return `queue ${queue.queueId} of instance ${queue.instanceId}`;
}

/** The queue's caller config, or undefined when the queue does not exist (ResourceNotFoundException). */
async function callerConfig(queue: Queue, missing: 'fail' | 'undefined' = 'fail'): Promise<OutboundCallerConfig | undefined> {
  try {
    const { Queue: found } = await connect.send(new DescribeQueueCommand({ InstanceId: queue.instanceId, QueueId: queue.queueId }));
    return found?.OutboundCallerConfig ?? {};
  } catch (error) {
    if (missing === 'undefined' && (error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function setOutboundFlow(queue: Queue, current: OutboundCallerConfig, flowId: string): Promise<void> {
  await connect.send(new UpdateQueueOutboundCallerConfigCommand({
    InstanceId: queue.instanceId,
    QueueId: queue.queueId,
    OutboundCallerConfig: {
      OutboundCallerIdName: current.OutboundCallerIdName,
      OutboundCallerIdNumberId: current.OutboundCallerIdNumberId,
      OutboundFlowId: flowId,
    },
  }));
}

/**
 * The id of the instance's OUTBOUND_WHISPER flow named "Default outbound" (not archived), if it has one. Its status is
 * not checked: the docs do not say whether a SAVED status (an edit saved, not published) leaves a published version in
 * use, and a flow a queue cannot use is UpdateQueueOutboundCallerConfig's to refuse.
 */
async function defaultOutboundFlowId(queue: Queue): Promise<string | undefined> {
  const pages = paginateListContactFlows({ client: connect }, { InstanceId: queue.instanceId, ContactFlowTypes: ['OUTBOUND_WHISPER'] });
  for await (const page of pages) {
    const found = page.ContactFlowSummaryList?.find((flow) => flow.Name?.toLowerCase() === DEFAULT_OUTBOUND_FLOW_NAME.toLowerCase()
      && flow.ContactFlowType === 'OUTBOUND_WHISPER' && flow.ContactFlowState !== 'ARCHIVED');
    if (found?.Id) return found.Id;
  }
  return undefined;
}

const NO_DEFAULT = 'Connect documents no way to clear a queue\'s outbound whisper flow, so one with none before gets the instance\'s '
  + `default outbound whisper flow (an OUTBOUND_WHISPER flow named "${DEFAULT_OUTBOUND_FLOW_NAME}") on delete, and this `
  + 'instance has none';

/**
 * The flow to put back on delete: the queue's current flow, unless it has none, or one that no longer exists
 * (DescribeContactFlow: ResourceNotFoundException), which the default outbound whisper flow stands for. Fails when
 * the flow is another construct's outbound whisper flow, or when the default is needed and the instance has none.
 */
async function flowToRestore(queue: Queue, currentFlowId: string | undefined): Promise<string | undefined> {
  if (currentFlowId) {
    let flow;
    try {
      ({ ContactFlow: flow } = await connect.send(new DescribeContactFlowCommand({ InstanceId: queue.instanceId, ContactFlowId: currentFlowId })));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    if (flow?.Description === MANAGED_OUTBOUND_WHISPER_DESCRIPTION) {
      throw new Error(`${queueName(queue)} already has the outbound whisper flow "${flow.Name}" (${flow.Arn ?? currentFlowId}) of another `
        + 'callback management construct, in another stack or app: a queue has one outbound whisper flow. Give each construct its '
        + 'own queue, or set configureQueueOutboundWhisper: false on all but one.');
    }
    if (flow) return currentFlowId;
  }
  if (await defaultOutboundFlowId(queue) === undefined) {
    throw new Error(`${queueName(queue)} has no outbound whisper flow${currentFlowId ? ` that exists (it names ${currentFlowId})` : ''}. ${NO_DEFAULT}. `
      + 'Set an outbound whisper flow on the queue first (console: Routing, Queues, the queue, "Outbound caller configuration"; or '
      + 'UpdateQueueOutboundCallerConfig), and deploy again: that flow is put back on delete.');
  }
  return undefined;
}

async function onDelete(event: ProviderEvent): Promise<{ PhysicalResourceId: string }> {
  const physical = event.PhysicalResourceId ?? '';
  const state = parsePhysicalId(physical);
  if (!state) return { PhysicalResourceId: physical };
  const current = await callerConfig(state, 'undefined');
  const ours = [flowIdOf(event.ResourceProperties.OutboundFlowArn), state.ourFlowId];
  if (!current?.OutboundFlowId || !ours.includes(current.OutboundFlowId)) return { PhysicalResourceId: physical };

  const restore = state.previousFlowId ?? await defaultOutboundFlowId(state);
  if (restore === undefined) {
    throw new Error(`cannot take our outbound whisper flow ${current.OutboundFlowId} off ${queueName(state)}, which had none before: `
      + `${NO_DEFAULT}. Choose another outbound whisper flow for the queue (console: Routing, Queues, the queue, "Outbound caller `
      + 'configuration"; or UpdateQueueOutboundCallerConfig), then retry the delete: a queue whose flow is no longer ours is left alone.');
  }
  await setOutboundFlow(state, current, restore);
  return { PhysicalResourceId: physical };
}

export async function handler(event: ProviderEvent): Promise<{ PhysicalResourceId: string }> {
  if (event.RequestType === 'Delete') return onDelete(event);

  const props = event.ResourceProperties;
  const ourFlowId = flowIdOf(props.OutboundFlowArn);
  const queue = queueOf(props.InstanceArn, props.QueueId);
  const previous = parsePhysicalId(event.PhysicalResourceId);
  if (event.RequestType === 'Update' && previous && previous.instanceArn === props.InstanceArn && previous.queueId === props.QueueId) {
    // The same queue (another flow, or another property): the same physical id, so CloudFormation sends no Delete.
    await setOutboundFlow(queue, (await callerConfig(queue))!, ourFlowId);
    return { PhysicalResourceId: event.PhysicalResourceId! };
  }

  // Create, or an Update to another queue (CloudFormation then deletes the old physical id, restoring the old queue).
  const current = (await callerConfig(queue))!;
  const currentFlowId = current.OutboundFlowId || undefined;
  // Our own flow already there (a retried create) stands for no flow before: the default is put back.
  const previousFlowId = await flowToRestore(queue, currentFlowId === ourFlowId ? undefined : currentFlowId);
  await setOutboundFlow(queue, current, ourFlowId);
  return { PhysicalResourceId: physicalId(queue, previousFlowId, ourFlowId) };
}

/**
 * Custom resource (CDK provider framework) that points a queue's outbound whisper at our flow.
 *
 * UpdateQueueOutboundCallerConfig replaces the whole caller config, so the current caller ID name and
 * number are read first and sent back unchanged. The flow that was there before is kept in the physical
 * resource id, the only state CloudFormation hands back on delete, and is put back then, unless someone
 * has since chosen yet another flow (which we then leave alone).
 */
import { ConnectClient, DescribeQueueCommand, UpdateQueueOutboundCallerConfigCommand } from '@aws-sdk/client-connect';

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

const connect = new ConnectClient({});
const NO_PREVIOUS_FLOW = '-';

function flowIdOf(flowArn: string): string {
  const id = flowArn.split('/contact-flow/')[1];
  if (!id) throw new Error(`not a contact flow ARN: ${flowArn}`);
  return id;
}

/** Physical id: `<instance ARN>|<queue id>|<previous flow id or '-'>`. */
function physicalId(props: Properties, previousFlowId: string | undefined): string {
  return [props.InstanceArn, props.QueueId, previousFlowId ?? NO_PREVIOUS_FLOW].join('|');
}

function parsePhysicalId(id: string | undefined): { instanceArn: string; queueId: string; previousFlowId?: string } | undefined {
  const parts = id?.split('|');
  if (!parts || parts.length !== 3) return undefined;
  return { instanceArn: parts[0], queueId: parts[1], previousFlowId: parts[2] === NO_PREVIOUS_FLOW ? undefined : parts[2] };
}

async function currentCallerConfig(instanceArn: string, queueId: string) {
  const { Queue } = await connect.send(new DescribeQueueCommand({ InstanceId: instanceArn, QueueId: queueId }));
  return Queue?.OutboundCallerConfig ?? {};
}

async function setOutboundFlow(instanceArn: string, queueId: string, flowId: string | undefined): Promise<void> {
  const current = await currentCallerConfig(instanceArn, queueId);
  await connect.send(new UpdateQueueOutboundCallerConfigCommand({
    InstanceId: instanceArn,
    QueueId: queueId,
    OutboundCallerConfig: {
      OutboundCallerIdName: current.OutboundCallerIdName,
      OutboundCallerIdNumberId: current.OutboundCallerIdNumberId,
      OutboundFlowId: flowId,
    },
  }));
}

export async function handler(event: ProviderEvent): Promise<{ PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const ourFlowId = flowIdOf(props.OutboundFlowArn);

  if (event.RequestType === 'Delete') {
    const state = parsePhysicalId(event.PhysicalResourceId);
    if (state) {
      const current = await currentCallerConfig(state.instanceArn, state.queueId);
      if (current.OutboundFlowId === ourFlowId) {
        await setOutboundFlow(state.instanceArn, state.queueId, state.previousFlowId);
      }
    }
    return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId(props, undefined) };
  }

  const previous = parsePhysicalId(event.PhysicalResourceId);
  const sameQueue = event.RequestType === 'Update' && previous !== undefined
    && previous.instanceArn === props.InstanceArn && previous.queueId === props.QueueId;
  // On a move to another queue CloudFormation deletes the old resource (restoring that queue) after this returns.
  const previousFlowId = sameQueue
    ? previous.previousFlowId
    : (await currentCallerConfig(props.InstanceArn, props.QueueId)).OutboundFlowId;
  await setOutboundFlow(props.InstanceArn, props.QueueId, ourFlowId);
  return { PhysicalResourceId: physicalId(props, previousFlowId === ourFlowId ? undefined : previousFlowId) };
}

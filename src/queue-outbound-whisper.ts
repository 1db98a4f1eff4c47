import {
  Arn, ArnFormat, CustomResource, Duration, Fn, Stack, Token,
  aws_iam as iam,
  aws_lambda as lambda,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { HandlerFunctions } from './handler-functions';
import { acknowledge, acknowledgeFrameworkRuntime } from './nag';

export interface QueueOutboundWhisperProps {
  readonly functions: HandlerFunctions;
  readonly instanceArn: string;
  readonly queueArn: string;
  /** Undefined when queueArn is a token. */
  readonly queueId?: string;
  readonly outboundFlowArn: string;
}

/** The queues whose outbound whisper a construct of this app sets, with the path of that construct. */
const CLAIMED_QUEUES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Points a queue's outbound whisper flow at the construct's flow, through a custom resource that keeps the queue's
 * caller ID and puts the previous flow back on delete (the instance's "Default outbound" when the queue had none; see
 * lambda-src/handlers/queue-outbound-whisper.ts). A queue has one outbound whisper flow, so two constructs of one app
 * may not both set it (refused here, at synth); a construct of another stack or app is refused by the custom resource
 * at deploy time.
 */
export class QueueOutboundWhisper extends Construct {
  constructor(scope: Construct, id: string, props: QueueOutboundWhisperProps) {
    super(scope, id);
    claimQueue(this, props.queueArn);
    const { functions } = props;

    const handler = functions.create(this, 'Handler', 'queue-outbound-whisper', {
      description: 'Sets a queue\'s outbound whisper flow, keeping its caller ID, and restores the previous flow on delete',
      timeout: Duration.minutes(1),
    });
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:DescribeQueue'], resources: [props.queueArn] }));
    // The update is also authorized against the flow and the caller ID number it names. On delete it puts back
    // whichever flow was there before (or the instance's "Default outbound") and keeps whichever number is set, neither
    // known at synth: hence the wildcards, bounded to this instance's flows and this account's numbers in this region.
    const flows = `${props.instanceArn}/contact-flow/*`;
    const numbers = phoneNumberArns(props.instanceArn);
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['connect:UpdateQueueOutboundCallerConfig'],
      resources: [props.queueArn, flows, numbers],
    }));
    // The queue's current flow is described to tell another callback management construct's outbound whisper flow
    // (refused) from an ordinary one (put back on delete).
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:DescribeContactFlow'], resources: [flows] }));
    // A queue with no flow before gets the instance's "Default outbound" on delete, found by listing its outbound whisper
    // flows. ListContactFlows' resource is the instance in the copies of the Service Authorization Reference
    // (list_amazonconnect.html) found so far (the live row was not checked), so it is allowed on the instance and, in
    // case it is also authorized against the flows it lists, on this instance's flows.
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:ListContactFlows'], resources: [props.instanceArn, flows] }));
    acknowledge(handler.role, `AwsSolutions-IAM5[Resource::${flows}]`,
      'UpdateQueueOutboundCallerConfig is also authorized against the outbound flow it sets; on delete that is the '
      + 'flow the queue had before (or the instance\'s "Default outbound"), known only at run time, and the queue\'s current '
      + 'flow is read (DescribeContactFlow) and the instance\'s outbound whisper flows listed (ListContactFlows) to choose it. '
      + 'Bounded to this instance\'s flows and to these three actions.');
    acknowledge(handler.role, `AwsSolutions-IAM5[Resource::${numbers}]`,
      'UpdateQueueOutboundCallerConfig is also authorized against the queue\'s caller ID number, which the handler keeps '
      + 'as it finds it (known only at run time). Bounded to this account\'s numbers in this region and to this one action.');

    const frameworkLogs = functions.logGroup(this, 'ProviderLogs');
    const frameworkRole = functions.logWritingRole(this, 'ProviderRole', frameworkLogs, 'the custom-resource provider framework of the queue outbound whisper');
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
    });
    acknowledgeFrameworkRuntime(provider.node.tryFindChild('framework-onEvent'));
    acknowledge(frameworkRole, `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(handler.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      'The custom-resource provider framework (aws-cdk-lib custom_resources.Provider) may invoke every version and '
      + 'alias of the one handler function it fronts; the wildcard is the qualifier of that function\'s own ARN.');

    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ConnectQueueOutboundWhisper',
      properties: {
        InstanceArn: props.instanceArn,
        QueueArn: props.queueArn,
        QueueId: props.queueId ?? Fn.select(3, Fn.split('/', props.queueArn)),
        OutboundFlowArn: props.outboundFlowArn,
      },
    });
  }
}

/** Refuses a second construct of the same app setting the same queue's outbound whisper flow. */
function claimQueue(scope: Construct, queueArn: string): void {
  const root = scope.node.root;
  const claimed = CLAIMED_QUEUES.get(root) ?? new Map<string, string>();
  CLAIMED_QUEUES.set(root, claimed);
  // An unresolved ARN is compared by its token: the same token is the same queue; two different tokens may still
  // be one queue, which only the custom resource can tell at deploy time.
  const key = Token.isUnresolved(queueArn) ? Stack.of(scope).resolve(queueArn) : queueArn;
  const text = typeof key === 'string' ? key : JSON.stringify(key);
  const owner = claimed.get(text);
  if (owner !== undefined) {
    throw new Error(`queueArn ${Token.isUnresolved(queueArn) ? '(a token)' : queueArn} is already used by the callback management construct at `
      + `${owner}, which sets the queue's outbound whisper flow: a queue has one outbound whisper flow. Give each construct its own `
      + 'queue, or set configureQueueOutboundWhisper: false on all but one.');
  }
  claimed.set(text, scope.node.path);
}

/** Phone numbers of the instance's account and region (the queue's caller ID number). */
function phoneNumberArns(instanceArn: string): string {
  const parts = Arn.split(instanceArn, ArnFormat.SLASH_RESOURCE_NAME);
  return `arn:${parts.partition}:connect:${parts.region}:${parts.account}:phone-number/*`;
}

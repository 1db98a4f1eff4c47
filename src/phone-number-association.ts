import { Fn, Stack, aws_iam as iam, custom_resources as cr } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HandlerFunctions } from './handler-functions';
import { acknowledgeFrameworkRuntime } from './nag';

export interface PhoneNumberAssociationProps {
  readonly functions: HandlerFunctions;
  readonly instanceArn: string;
  /** The instance's id (the API's InstanceId is an id, not an ARN). */
  readonly instanceId: string;
  readonly phoneNumberArn: string;
  /** Undefined when phoneNumberArn is a token. */
  readonly phoneNumberId?: string;
  readonly contactFlowArn: string;
  readonly contactFlowId: string;
}

/** The id aws-cdk-lib gives the one function behind every AwsCustomResource of a stack (a child of the stack). */
const AWS_CUSTOM_RESOURCE_SINGLETON_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Associates a claimed phone number with a contact flow. CloudFormation has no resource for it, so an
 * AwsCustomResource calls AssociatePhoneNumberContactFlow, and DisassociatePhoneNumberContactFlow on delete.
 */
export class PhoneNumberAssociation extends Construct {
  constructor(scope: Construct, id: string, props: PhoneNumberAssociationProps) {
    super(scope, id);
    const parameters = {
      InstanceId: props.instanceId,
      PhoneNumberId: props.phoneNumberId ?? Fn.select(1, Fn.split('phone-number/', props.phoneNumberArn)),
    };
    const associate = {
      service: 'Connect',
      action: 'AssociatePhoneNumberContactFlow',
      parameters: { ...parameters, ContactFlowId: props.contactFlowId },
      physicalResourceId: cr.PhysicalResourceId.of(props.phoneNumberArn),
    };
    const logGroup = props.functions.logGroup(this, 'Logs');
    new cr.AwsCustomResource(this, 'Resource', {
      onCreate: associate,
      onUpdate: associate,
      onDelete: { service: 'Connect', action: 'DisassociatePhoneNumberContactFlow', parameters },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
          resources: [props.phoneNumberArn, props.contactFlowArn],
        }),
      ]),
      installLatestAwsSdk: false,
      logGroup,
      // Used only if this is the stack's first AwsCustomResource: they all share one function (and so its role).
      role: props.functions.logWritingRole(this, 'Role', logGroup, 'the phone number association custom resource'),
    });
    // That one function lives at the stack's root, where aws-cdk-lib creates it.
    acknowledgeFrameworkRuntime(Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON_ID));
  }
}

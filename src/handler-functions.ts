import * as path from 'path';
import {
  Duration, Stack,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { KMS_WILDCARD_REASON, acknowledge } from './nag';

/** The handler assets in assets/lambda/, built from lambda-src/handlers/ before jsii compiles. */
export type HandlerName =
  | 'write-callback'
  | 'write-callback-hours'
  | 'update-callback'
  | 'ctr-processor'
  | 'contact-event-processor'
  | 'queue-outbound-whisper'
  | 'reconciler'
  | 'list-callbacks'
  | 'cancel-callback';

/** The template metadata key on each function's resource that names its handler (assets/lambda/<handler>). */
export const HANDLER_METADATA_KEY = 'cdk-connect-callback-management:handler';

/** The newest Node.js runtime in the lowest aws-cdk-lib we support; the bundles target it too. */
const HANDLER_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface HandlerFunctionsProps {
  /** The environment every handler gets (lambda-src/shared/contract.ts ENV). */
  readonly environment: Record<string, string>;
  readonly table: dynamodb.ITable;
  readonly logRetention: logs.RetentionDays;
  readonly encryptionKey?: kms.IKey;
  /** `instance/<id>/contact/*` of the construct's instance: what StopContact is authorized against. */
  readonly contactArns: string;
  /** Name of the table's index of open records. */
  readonly openRecordsIndex: string;
}

/**
 * How every function of the construct is made, whichever part of it the function belongs to: the shipped asset,
 * arm64 and the construct's runtime, its own log group and a role that may write to that log group only, the
 * construct's environment, and only the table and Connect actions its handler issues.
 */
export class HandlerFunctions {
  constructor(private readonly props: HandlerFunctionsProps) {}

  public create(
    scope: Construct,
    id: string,
    handler: HandlerName,
    options: { description: string; timeout: Duration; memorySize?: number },
  ): lambda.Function {
    // An explicit log group: the function's logRetention property is deprecated and creates an extra custom resource.
    const logGroup = this.logGroup(scope, `${id}Logs`);
    const role = this.logWritingRole(scope, `${id}ServiceRole`, logGroup, `the ${handler} function`);
    const fn = new lambda.Function(scope, id, {
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'lambda', handler)),
      environment: this.props.environment,
      logGroup,
      role,
      ...options,
    });
    // Which handler a function runs, for tools that read a synthesized template (the simulator's --app): the asset
    // path says it only before assets are staged.
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata(HANDLER_METADATA_KEY, handler);
    return fn;
  }

  /** A log group with the construct's retention, encrypted with its key if it has one. */
  public logGroup(scope: Construct, id: string): logs.LogGroup {
    return new logs.LogGroup(scope, id, { retention: this.props.logRetention, encryptionKey: this.props.encryptionKey });
  }

  /**
   * A Lambda role that may write to its own log group only, rather than AWSLambdaBasicExecutionRole's logs actions
   * on every log group of the account.
   */
  public logWritingRole(scope: Construct, id: string, logGroup: logs.ILogGroup, what: string): iam.Role {
    const role = new iam.Role(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of ${what} of callback management`,
    });
    logGroup.grantWrite(role);
    return role;
  }

  /**
   * Exactly the table actions a handler issues (TransactWriteItems is authorized per contained action), on the table
   * alone: Table.grant() would add `<table>/index/*` as soon as the table has an index, which only the readers of the
   * open-records index need (grantOpenRecordsQuery).
   */
  public grantTable(fn: lambda.Function, ...actions: string[]): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [this.props.table.tableArn] }));
    const key = this.props.encryptionKey;
    if (key) {
      key.grantEncryptDecrypt(fn);
      acknowledge(fn.role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', KMS_WILDCARD_REASON);
      acknowledge(fn.role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', KMS_WILDCARD_REASON);
    }
  }

  /** dynamodb:Query on the sparse index of open records, and nothing else of the table's. */
  public grantOpenRecordsQuery(fn: lambda.Function): void {
    // Its readers read the table too (grantTable), which grants the table's key where there is one.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${this.props.table.tableArn}/index/${this.props.openRecordsIndex}`] }));
  }

  /**
   * connect:DescribeContact on this instance's contacts, scoped like StopContact: to the `contact` resource type
   * (`instance/<id>/contact/<contact id>`) of the Service Authorization Reference
   * (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html). The stored copy of that page
   * cut off before DescribeContact's row, so its resource type is taken to be StopContact's; if IAM wanted `*` instead,
   * the call would be refused (AccessDeniedException) and the reconciler's errors alarm would say so.
   */
  public allowDescribeContact(fn: lambda.Function): void {
    const contactArns = this.props.contactArns;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:DescribeContact'], resources: [contactArns] }));
    acknowledge(fn.role, `AwsSolutions-IAM5[Resource::${contactArns}]`, 'DescribeContact and StopContact are authorized against the '
      + 'contact\'s ARN, and a callback\'s contact id is only known at run time (stored on its record). The wildcard is bounded to '
      + 'the contacts of this one Amazon Connect instance, and to these actions.');
  }

  /**
   * connect:GetEffectiveHoursOfOperations on the one hours of operation, of the resource type `hours-of-operation`
   * (`instance/<id>/operating-hours/<id>`, Service Authorization Reference for Amazon Connect). If IAM wanted another
   * resource for it, the call would be refused, the booking would go ahead unchecked, and the AdmissionInputMissing
   * metric would count it.
   */
  public allowGetEffectiveHours(fn: lambda.Function, hoursOfOperationArn: string): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:GetEffectiveHoursOfOperations'], resources: [hoursOfOperationArn] }));
  }

  /** connect:StopContact on this instance's contacts: a callback's contact id is only known at run time. */
  public allowStopContact(fn: lambda.Function): void {
    const contactArns = this.props.contactArns;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:StopContact'], resources: [contactArns] }));
    acknowledge(fn.role, `AwsSolutions-IAM5[Resource::${contactArns}]`, 'StopContact is authorized against the '
      + 'contact\'s ARN, and a callback\'s contact id is only known at run time (from a contact event or the CTR). '
      + 'The wildcard is bounded to the contacts of this one Amazon Connect instance, and to this one action.');
  }
}

/**
 * CloudWatch Logs encrypts with the key as itself, so the key policy must allow it (CloudWatch Logs User Guide,
 * "Encrypt log data in CloudWatch Logs using AWS KMS", step 2), limited by the encryption context to this
 * account's log groups in this region. An imported key's policy is not ours to change: the grant does nothing
 * for it, and the prop's documentation tells its owner what to add.
 */
export function allowLogsToUseKey(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  const logsService = new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`).withConditions({
    ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
  });
  // grant() rather than addToResourcePolicy(), which throws for an imported key where grant() does nothing.
  key.grant(logsService, 'kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*');
}

import { Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Records an acknowledged cdk-nag (v3) finding on `scope` (Validations.acknowledge, which cdk-nag reads from the
 * construct's metadata and its ancestors'), with the reason a reviewer reads. An id built from an unresolved token
 * could never match a finding, so it is not recorded.
 */
export function acknowledge(scope: IConstruct | undefined, id: string, reason: string): void {
  if (!scope || Token.isUnresolved(id)) return;
  Validations.of(scope).acknowledge({ id, reason });
}

/** The runtime of a function aws-cdk-lib's custom-resource frameworks create is theirs to choose, not ours. */
export function acknowledgeFrameworkRuntime(fn: IConstruct | undefined): void {
  acknowledge(fn, 'AwsSolutions-L1', 'This function is created by aws-cdk-lib\'s custom-resource framework, which '
    + 'chooses its runtime and updates it with aws-cdk-lib; it runs only during deployments.');
}

export const KMS_WILDCARD_REASON = 'kms:GenerateDataKey* and kms:ReEncrypt* come from grantEncryptDecrypt on the one customer-managed '
  + 'key given as encryptionKey (the resource is that key, never *): the table and the dead-letter queue are encrypted '
  + 'with it, and DynamoDB and SQS use these actions on the caller\'s behalf.';

export const DLQ_REASON = 'This queue is itself a dead-letter queue (of the CTR event source mapping or of the contact event '
  + 'rule and processor); a dead-letter queue of a dead-letter queue would only move the same messages again.';

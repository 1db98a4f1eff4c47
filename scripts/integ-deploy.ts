/**
 * The live integration test on your own AWS account, in one command: checks that it can start (a region where Amazon
 * Connect exists, AWS credentials), bundles the handlers, then runs integ-runner on test/integ/, which deploys each
 * test, runs its assertions and destroys it, one test after the other (one Connect instance alive at a time).
 *
 * Usage (from the repository root, after `npm ci`): bash scripts/integ-deploy.sh [--region <region>] [integ-runner args]
 * The region is --region, else CALLBACK_INTEG_REGION, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.
 * Any other argument goes to integ-runner, e.g. a test file (integ.callback-management.ts) or --no-clean.
 *
 * Exit codes: 2 = the run could not start, nothing was created (no credentials, credentials AWS rejects, a region
 * without Amazon Connect); otherwise integ-runner's (0 = every test deployed, passed its assertions and was destroyed).
 * With no credentials configured at all, it exits before any network call.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConnectClient, ListInstancesCommand } from '@aws-sdk/client-connect';

const root = path.resolve(__dirname, '..');

/** The exit code of "could not start": nothing was deployed. */
const CANNOT_START = 2;

/**
 * The regions with an Amazon Connect endpoint, from "Amazon Connect endpoints and quotas"
 * (https://docs.aws.amazon.com/general/latest/gr/connect_region.html). us-east-2, integ-runner's default among three,
 * is not one of them. If Connect has come to another region since, add it here.
 */
const CONNECT_REGIONS = [
  'us-east-1', 'us-west-2', 'af-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2',
  'ca-central-1', 'eu-central-1', 'eu-west-2', 'us-gov-west-1',
];

/** Active instances per account by default ("Amazon Connect service quotas", adminguide/amazon-connect-service-limits.html). */
const DEFAULT_ACTIVE_INSTANCE_QUOTA = 2;

/** Errors that mean AWS does not accept these credentials, rather than that something else went wrong. */
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch',
  'ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired', 'CredentialsProviderError',
]);

function cannotStart(message: string): never {
  process.stderr.write(`integ-deploy: ${message}\nNothing was deployed.\n`);
  process.exit(CANNOT_START);
}

function parseArgs(argv: string[]): { region: string; passThrough: string[] } {
  const passThrough: string[] = [];
  let region: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--region') {
      region = argv[++i];
      if (!region) cannotStart('--region needs a value, e.g. --region eu-west-2');
    } else if (argv[i].startsWith('--region=')) {
      region = argv[i].slice('--region='.length);
    } else {
      passThrough.push(argv[i]);
    }
  }
  const env = process.env;
  return { region: region ?? env.CALLBACK_INTEG_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1', passThrough };
}

/** The profile's section in an AWS shared config or credentials file, read as the SDK names them. */
function hasProfileSection(file: string, profile: string, configStyle: boolean): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const headers = text.split(/\r?\n/).map((line) => /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line)?.[1]).filter((name) => name !== undefined);
  const wanted = configStyle && profile !== 'default' ? [`profile ${profile}`] : [profile, `profile ${profile}`];
  return headers.some((name) => wanted.includes(name!.replace(/\s+/g, ' ')));
}

/**
 * Where the SDK's default credential chain could find credentials without asking the network first: environment
 * keys, a web identity token, container credentials, or a profile in the shared files. Undefined when there is none,
 * so that the script can stop without any network call. Instance metadata (EC2) is only reachable over the network:
 * set CALLBACK_INTEG_USE_INSTANCE_METADATA=true to rely on it.
 */
function configuredCredentialSource(): string | undefined {
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'the AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN environment variables';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'the container credentials endpoint';
  const profile = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const configFile = env.AWS_CONFIG_FILE ?? path.join(os.homedir(), '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(os.homedir(), '.aws', 'credentials');
  if (hasProfileSection(credentialsFile, profile, false) || hasProfileSection(configFile, profile, true)) return `the profile "${profile}"`;
  if (env.CALLBACK_INTEG_USE_INSTANCE_METADATA === 'true') return 'the instance metadata service';
  return undefined;
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : 'Error';
}

async function checkAccount(region: string, source: string): Promise<void> {
  const client = new ConnectClient({ region, maxAttempts: 2 });
  try {
    await client.config.credentials();
  } catch (error) {
    cannotStart(`AWS credentials are configured (${source}) but could not be loaded: ${(error as Error).message}`);
  }
  try {
    // Read-only, and tells whether AWS accepts the credentials and how many instances the account has here.
    const { InstanceSummaryList: instances = [] } = await client.send(new ListInstancesCommand({ MaxResults: 10 }));
    const active = instances.filter((instance) => instance.InstanceStatus !== 'CREATION_FAILED').length;
    if (active >= DEFAULT_ACTIVE_INSTANCE_QUOTA) {
      process.stderr.write(`integ-deploy: warning: the account already has ${active} Amazon Connect instances in ${region}. `
        + `The default quota is ${DEFAULT_ACTIVE_INSTANCE_QUOTA} active instances per account: unless yours is higher, `
        + 'creating the test\'s instance will fail (Service Quotas, Amazon Connect).\n');
    }
  } catch (error) {
    const name = errorName(error);
    if (REJECTED_CREDENTIALS.has(name)) cannotStart(`AWS rejected the credentials from ${source}: ${name}: ${(error as Error).message}`);
    // Not allowed to list instances, or a transient failure: the deployment itself will tell.
    process.stderr.write(`integ-deploy: warning: could not list the account's Amazon Connect instances (${name}); going on.\n`);
  } finally {
    client.destroy();
  }
}

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

async function main(): Promise<void> {
  const { region, passThrough } = parseArgs(process.argv.slice(2));
  if (!CONNECT_REGIONS.includes(region)) {
    cannotStart(`Amazon Connect is not available in ${region} (https://docs.aws.amazon.com/general/latest/gr/connect_region.html). `
      + `Choose one of ${CONNECT_REGIONS.join(', ')} with --region <region> or CALLBACK_INTEG_REGION.`);
  }
  const source = configuredCredentialSource();
  if (source === undefined) {
    cannotStart('no AWS credentials found. The live integration test deploys to your own AWS account: configure credentials '
      + 'the way the AWS CLI and CDK read them (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in '
      + '~/.aws/config, e.g. after `aws configure` or `aws sso login`), and bootstrap the account and region once with '
      + `\`npx cdk bootstrap aws://<account>/${region}\`. On EC2 with an instance profile, set CALLBACK_INTEG_USE_INSTANCE_METADATA=true.`);
  }
  await checkAccount(region, source);

  process.stdout.write(`integ-deploy: credentials from ${source}; region ${region}. Each test creates an Amazon Connect instance `
    + 'and the construct on it, runs its assertions and destroys everything, one test after the other; an estimated 10 to 20 '
    + 'minutes per test (README, "Verify on your own AWS account").\n');
  const bundled = run(path.join(root, 'node_modules', '.bin', 'projen'), ['bundle']);
  if (bundled !== 0) process.exit(bundled);
  process.exit(run(path.join(root, 'node_modules', '.bin', 'integ-runner'), [
    '--directory', 'test/integ',
    '--language', 'typescript',
    '--app', 'node -r ts-node/register/transpile-only {filePath}',
    // One region only: one test at a time, so one Connect instance at a time.
    '--parallel-regions', region,
    // Deploy even when the snapshot is unchanged; the update workflow is off in the tests themselves too.
    '--force',
    '--no-update-workflow',
    ...passThrough,
  ]));
}

main().catch((error: unknown) => {
  process.stderr.write(`integ-deploy: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

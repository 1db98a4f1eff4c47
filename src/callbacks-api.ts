import {
  CfnOutput, Duration,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_authorizers as authorizers,
  aws_apigatewayv2_integrations as integrations,
  aws_apigateway as apigateway,
  aws_iam as iam,
  aws_lambda as lambda,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HandlerFunctions } from './handler-functions';

/** The routes (CALLBACKS_API_ROUTES in lambda-src/shared/callbacks-api.ts; a test checks they agree). */
export const CALLBACKS_API_ROUTES = {
  LIST: { method: 'GET', path: '/callbacks' },
  CANCEL: { method: 'POST', path: '/callbacks/cancel' },
} as const;

/** How the CLI finds the API's URL among a stack's outputs (cli-src/callbacks-cli.ts matches this description). */
export const CALLBACKS_API_URL_OUTPUT_DESCRIPTION = 'URL of the callbacks API of cdk-connect-callback-management';

/** The API's own stage: HTTP APIs serve `$default` at the API's root URL. */
const STAGE = '$default';

export interface CallbacksApiProps {
  readonly functions: HandlerFunctions;
}

/**
 * An HTTP API (API Gateway v2) with IAM authorization on every route, so that who may list and who may cancel are
 * granted separately, method by method, to IAM principals (grantList, grantCancel). The routes carry no path
 * parameter (the record id is a query parameter or in the body), so each grant is one exact execute-api ARN, with no
 * wildcard for a user's policy to justify. An HTTP API rather than a REST API: IAM authorization works the same, it
 * costs less per request, and it needs neither the account-wide API Gateway CloudWatch role that REST execution
 * logging requires nor acknowledgements of the AwsSolutions rules a REST API trips (COG4 for any non-Cognito
 * authorizer, APIG3 without WAF); access logs go to a log group of the construct's.
 */
export class CallbacksApi extends Construct {
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly listFunction: lambda.Function;
  public readonly cancelFunction: lambda.Function;
  public readonly url: string;

  constructor(scope: Construct, id: string, props: CallbacksApiProps) {
    super(scope, id);
    const { functions } = props;

    this.listFunction = functions.create(this, 'ListCallbacks', 'list-callbacks', {
      description: 'Lists the waiting callbacks of the queue, or reads one (callbacks API)',
      timeout: Duration.seconds(10),
    });
    functions.grantTable(this.listFunction, 'dynamodb:GetItem');
    functions.grantOpenRecordsQuery(this.listFunction);

    this.cancelFunction = functions.create(this, 'CancelCallback', 'cancel-callback', {
      description: 'Cancels a callback for an operator and removes it from the queue (callbacks API)',
      timeout: Duration.seconds(10),
    });
    // cancelByOperator (GetItem, then the record's Update with the pointer's Delete), the removal's UpdateItem.
    functions.grantTable(this.cancelFunction, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    functions.allowStopContact(this.cancelFunction);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Callbacks API of callback management: list and cancel waiting callbacks (IAM-authorized)',
      createDefaultStage: false,
    });
    const accessLogs = functions.logGroup(this, 'AccessLogs');
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: STAGE,
      autoDeploy: true,
      // An operator's tool: a few requests a second are plenty, and StopContact shares the account's Connect API rate.
      throttle: { rateLimit: 5, burstLimit: 10 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          sourceIp: '$context.identity.sourceIp',
          routeKey: '$context.routeKey',
          status: '$context.status',
          responseLength: '$context.responseLength',
          integrationError: '$context.integrationErrorMessage',
        })),
      },
    });
    const authorizer = new authorizers.HttpIamAuthorizer();
    this.api.addRoutes({
      path: CALLBACKS_API_ROUTES.LIST.path,
      methods: [apigwv2.HttpMethod.GET],
      integration: new integrations.HttpLambdaIntegration('List', this.listFunction),
      authorizer,
    });
    this.api.addRoutes({
      path: CALLBACKS_API_ROUTES.CANCEL.path,
      methods: [apigwv2.HttpMethod.POST],
      integration: new integrations.HttpLambdaIntegration('Cancel', this.cancelFunction),
      authorizer,
    });
    this.url = this.stage.url;
    // Always an output: the CLI finds the URL by this description among the stack's outputs.
    new CfnOutput(this, 'Url', { value: this.url, description: CALLBACKS_API_URL_OUTPUT_DESCRIPTION });
  }

  /** execute-api:Invoke on the list route (list, and read one by record id). */
  public grantList(grantee: iam.IGrantable): iam.Grant {
    return this.grantRoute(grantee, CALLBACKS_API_ROUTES.LIST);
  }

  /** execute-api:Invoke on the cancel route. */
  public grantCancel(grantee: iam.IGrantable): iam.Grant {
    return this.grantRoute(grantee, CALLBACKS_API_ROUTES.CANCEL);
  }

  private grantRoute(grantee: iam.IGrantable, route: { readonly method: string; readonly path: string }): iam.Grant {
    // Not route.grantInvoke(), which grants every stage (`*`): this API has one.
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi(route.method, route.path, STAGE)],
    });
  }
}

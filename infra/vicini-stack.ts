import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { secretSources, type SecretSource } from '../bot/config/env.js';
import { metricsNamespace, services } from '../bot/adapters/metrics.js';
import { attr, tableDefinition } from '../bot/adapters/store/table.js';
import { addAlarms } from './alarms.js';
import { bundling, entry, lockFile, repoRoot } from './bundling.js';
import { acknowledgeNagFindings } from './nag.js';
import { attributeTypes, globalIndex, keys } from './table-schema.js';

export interface ViciniStackProps extends StackProps {
  /** The network file the Lambdas load (copied into each bundle); default `network/brescia.json`. */
  networkFile?: string;
  /** Minutes an alert may stay unacknowledged before the alarm; default 60. */
  unacknowledgedAlertMinutes?: number;
  /** How long Lambda logs are kept; default one month. */
  logRetention?: logs.RetentionDays;
  /** Write esbuild's metafile next to each bundle (`npm run bench`). */
  bundleMetafile?: boolean;
  /**
   * Whether the network speaks WhatsApp as well as Telegram; default no (`-c vicini:whatsapp=true`,
   * infra/channels.ts). Without it the stack has no WhatsApp secret, webhook, URL, parameters or
   * alarms on them, and nothing reads WhatsApp's credentials.
   */
  whatsapp?: boolean;
  /** `WHATSAPP_TEMPLATES` (JSON) when the approved templates' names or languages differ from the defaults. */
  whatsappTemplates?: string;
  /**
   * Concurrency reserved for each webhook and for the scheduled tick, so a flood on a public
   * Function URL cannot take the account's concurrency and starve the ladder; default 10 per
   * webhook, 2 for the tick. The tick worker has its own: one per group (`tickGroups`).
   */
  reservedConcurrency?: { webhook: number; tick: number };
  /**
   * Workers the tick fans a heavy minute out to (more than `TICK_FAN_OUT_ABOVE` timers due), one per
   * group of the 16 shards (an asynchronous invocation of the tick worker each), so the 09:00 wave
   * is fired by that many Lambdas at once; default 8, and as much concurrency reserved for the worker.
   */
  tickGroups?: number;
  /**
   * The tick worker's memory, in MB (Lambda gives CPU in proportion: 1,769 MB is one vCPU); default
   * 1,769. Only the workers of a heavy minute pay for it; the scheduled tick, every minute, stays at
   * 512 MB (BENCHMARKS.md, "The tick at scale": 100k prompts in a minute want one vCPU per worker).
   */
  tickMemoryMb?: number;
}

/** The tick worker's memory unless the stack says otherwise: one vCPU. */
export const defaultTickWorkerMemoryMb = 1769;

/** How many groups of shards a heavy minute is fanned out to unless the stack says otherwise. */
export const defaultTickGroups = 8;

/** The tick and its worker: seconds per run before Lambda stops it. */
const tickTimeout = Duration.seconds(120);

/** Outbox sender: seconds per batch before Lambda stops it; SQS hides a received batch for 6 times that. */
const senderTimeout = Duration.seconds(120);

/** The data-plane calls the store makes (TransactWriteItems is authorised per item action): no Scan, no DDL. */
const tableActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

export type FunctionName = keyof typeof services;

/** The stack's functions: the WhatsApp webhook only where the network speaks WhatsApp. */
export type StackFunctions = Record<Exclude<FunctionName, 'whatsappWebhook'>, NodejsFunction> & {
  whatsappWebhook?: NodejsFunction;
};

/**
 * The whole backend: the table, the Telegram webhook (and the WhatsApp one,
 * where the network speaks WhatsApp) behind Function URLs, the per-minute tick on EventBridge Scheduler and the worker it
 * invokes asynchronously for a heavy minute, the SQS outbox
 * with its one sender and a DLQ, the secrets, and the alarms. Each function
 * gets an environment variable and the access behind it in the same place.
 */
export class ViciniStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly outbox: sqs.Queue;
  readonly outboxDlq: sqs.Queue;
  readonly tickWorkFailed: sqs.Queue;
  readonly functions: StackFunctions;
  readonly secrets: { telegram: secretsmanager.Secret; whatsapp?: secretsmanager.Secret };

  constructor(scope: Construct, id: string, props: ViciniStackProps = {}) {
    super(scope, id, props);
    const networkFile = props.networkFile ?? 'network/brescia.json';

    // Key schema and GSIs come from the definition `npm run db:init` uses locally, so they cannot drift.
    // The physical name is left to CloudFormation; the Lambdas get it from `table.tableName`.
    const definition = tableDefinition('unused');
    if (definition.BillingMode !== 'PAY_PER_REQUEST') {
      throw new Error(`Unexpected billing mode in tableDefinition: ${definition.BillingMode}`);
    }
    const types = attributeTypes(definition.AttributeDefinitions);

    // TableV2 (AWS::DynamoDB::GlobalTable) rather than Table: it is the construct AWS recommends for new
    // tables, and replicas can be added later in place. Moving from Table to TableV2 afterwards means a
    // different resource type, i.e. a retain-and-import migration of a table full of data.
    this.table = new dynamodb.TableV2(this, 'Table', {
      ...keys(definition.KeySchema, types, 'table'),
      globalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((gsi) => globalIndex(gsi, types)),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: attr.ttl,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const botUsername = new CfnParameter(this, 'BotUsername', {
      type: 'String',
      allowedPattern: '^[A-Za-z][A-Za-z0-9_]{3,31}$',
      description: "The Telegram bot's username, without @ (deep links; the webhook never calls getMe)",
    });

    // WhatsApp is the deployment's choice (the CDK context), so a Telegram-only network pays for no
    // WhatsApp secret and no alarm on a webhook nobody calls. Where it is on, its two numbers are
    // parameters every deployment gives.
    const whatsapp = props.whatsapp
      ? {
          phoneNumberId: new CfnParameter(this, 'WhatsAppPhoneNumberId', {
            type: 'String',
            allowedPattern: '^\\d{5,20}$',
            description: "WhatsApp Cloud API: the business phone number's id",
          }),
          businessNumber: new CfnParameter(this, 'WhatsAppBusinessNumber', {
            type: 'String',
            allowedPattern: '^\\d{6,15}$',
            description: "WhatsApp: the bot's number, digits with country code, for invite links",
          }),
        }
      : undefined;

    // Secrets Manager rather than SSM SecureString: CloudFormation can create these (SecureString
    // parameters it cannot), with generated values where nobody needs to know them.
    this.secrets = {
      // The bot token and the webhook secret in one secret: the token is empty until `npm run
      // set-webhook` stores it beside the generated webhook secret. Every Lambda reads this secret for
      // the token, so the tick and the sender can read the webhook secret as well; that gives them
      // nothing, since whoever holds the token can call setWebhook with any secret of their own.
      telegram: new secretsmanager.Secret(this, 'TelegramSecrets', {
        description:
          'Vicini: the Telegram bot token (stored by npm run set-webhook) and the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ TELEGRAM_BOT_TOKEN: '' }),
          generateStringKey: 'TELEGRAM_WEBHOOK_SECRET',
          excludePunctuation: true,
          passwordLength: 64,
        },
      }),
      ...(whatsapp && {
        whatsapp: new secretsmanager.Secret(this, 'WhatsAppCredentials', {
          description: 'Vicini: WhatsApp Cloud API credentials (access token and app secret to be put here)',
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ WHATSAPP_ACCESS_TOKEN: '', WHATSAPP_APP_SECRET: '' }),
            generateStringKey: 'WHATSAPP_VERIFY_TOKEN',
            excludePunctuation: true,
            passwordLength: 48,
          },
        }),
      }),
    };

    // FIFO: one chat is one message group, so a chat's messages leave in order, and the message id
    // (hashed) is the deduplication id. Redelivery is safe anyway: the sender's delivery log sends once.
    // High-throughput mode (deduplication and throughput per message group): the queue's limits are
    // per chat, not one for the whole queue, and a chat's id never changes group, so deduplication
    // per group is the same as per queue. One chat's backlog is handed back by the sender with a
    // visibility of its own (ARCHITECTURE.md, "Outbox"), so it never holds the other groups.
    this.outboxDlq = new sqs.Queue(this, 'OutboxDlq', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.outbox = new sqs.Queue(this, 'Outbox', {
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(senderTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Generous: with one sender, a batch Lambda throttles comes back later and counts a receive too,
      // and so does each time one chat's pacing hands a message back (a burst of 3 a time, so a
      // backlog of 10 in one batch, the most there can be, is received at most 4 times for that).
      deadLetterQueue: { queue: this.outboxDlq, maxReceiveCount: 20 },
    });

    // A heavy minute's work that the tick worker failed three times (or that waited in Lambda's own
    // queue past its maximum age: throttled), kept as Lambda's invocation record. Nothing consumes it
    // (no pollers, nothing to pay while empty): its alarm says a group gave up; the next minutes'
    // runs catch the group's timers up from the cursors anyway.
    this.tickWorkFailed = new sqs.Queue(this, 'TickWorkFailed', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const tickGroups = props.tickGroups ?? defaultTickGroups;

    const make = (name: FunctionName, file: string, extra: Partial<lambda.FunctionProps>) => {
      const id = `${name[0]!.toUpperCase()}${name.slice(1)}`;
      const logGroup = new logs.LogGroup(this, `${id}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // Its own role, allowed to write to its own log group only (not the managed AWSLambdaBasicExecutionRole).
      const role = new iam.Role(this, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Vicini ${services[name]} Lambda`,
      });
      logGroup.grantWrite(role);
      return new NodejsFunction(this, id, {
        entry: entry(file),
        role,
        logGroup,
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 512,
        timeout: Duration.seconds(30),
        projectRoot: repoRoot,
        depsLockFilePath: lockFile,
        // What draws the week's figures (a mediator's /figures, the Monday timer) gets the chart files;
        // the outbox sender only sends the PNG it is handed.
        bundling: bundling(networkFile, { metafile: props.bundleMetafile, charts: name !== 'outboxSender' }),
        environment: {
          NETWORK_FILE: networkFile,
          POWERTOOLS_SERVICE_NAME: services[name],
          POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        },
        ...extra,
      });
    };

    const reserved = props.reservedConcurrency ?? { webhook: 10, tick: 2 };
    this.functions = {
      // A person waits on this one: more memory is more CPU, and a shorter cold start.
      telegramWebhook: make('telegramWebhook', 'telegram-webhook', {
        memorySize: 1024,
        reservedConcurrentExecutions: reserved.webhook,
      }),
      // A person waits on this one too; Meta retries a webhook that takes too long.
      ...(whatsapp && {
        whatsappWebhook: make('whatsappWebhook', 'whatsapp-webhook', {
          memorySize: 1024,
          reservedConcurrentExecutions: reserved.webhook,
        }),
      }),
      // A failed or late tick is not retried: the next minute's catches up from the cursor. Its own
      // reserved concurrency: two at once (a slow tick and the next), whatever the webhooks take. It
      // runs every minute, so it stays small; a heavy minute goes to the worker.
      tick: make('tick', 'tick', {
        memorySize: 512,
        reservedConcurrentExecutions: reserved.tick,
        timeout: tickTimeout,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
      // One group of shards of a heavy minute, invoked asynchronously by the tick: one vCPU each, one
      // at a time per group. A failure is run again twice (Lambda waits 1, then 2 minutes), an event
      // throttled waits in Lambda's queue for up to 10 minutes (by then later minutes have handed the
      // group out again), then it goes to the TickWorkFailed queue.
      tickWorker: make('tickWorker', 'tick-worker', {
        memorySize: props.tickMemoryMb ?? defaultTickWorkerMemoryMb,
        reservedConcurrentExecutions: tickGroups,
        timeout: tickTimeout,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
        onFailure: new SqsDestination(this.tickWorkFailed),
      }),
      // One sender, so one rate limiter speaks for the bot: Telegram's limits (about 30 messages a
      // second, one a second per chat) hold for the whole bot, not per Lambda instance.
      outboxSender: make('outboxSender', 'outbox-sender', {
        timeout: senderTimeout,
        reservedConcurrentExecutions: 1,
      }),
    };
    const { telegramWebhook, whatsappWebhook, tick, tickWorker, outboxSender } = this.functions;

    for (const fn of Object.values(this.functions)) {
      this.useTable(fn);
      this.useOutbox(fn);
      this.useSecret(fn, 'telegram');
      fn.addEnvironment('TELEGRAM_BOT_USERNAME', botUsername.valueAsString);
    }
    // What sends on WhatsApp: the webhook (answers in the conversation) and the outbox sender (everything else).
    if (whatsapp && whatsappWebhook) {
      for (const fn of [whatsappWebhook, outboxSender]) {
        this.useSecret(fn, 'whatsapp');
        fn.addEnvironment('WHATSAPP_PHONE_NUMBER_ID', whatsapp.phoneNumberId.valueAsString);
        fn.addEnvironment('WHATSAPP_BUSINESS_NUMBER', whatsapp.businessNumber.valueAsString);
        if (props.whatsappTemplates) fn.addEnvironment('WHATSAPP_TEMPLATES', props.whatsappTemplates);
      }
    }

    // A heavy minute goes to one worker per group of shards: an asynchronous invocation each. Both
    // read the number of groups from here, so a group names the same shards in the two.
    tick.addEnvironment('TICK_WORKER_FUNCTION', tickWorker.functionName);
    for (const fn of [tick, tickWorker]) fn.addEnvironment('TICK_GROUPS', String(tickGroups));
    // The function itself, not `grantInvoke`'s `<arn>:*` too: the tick invokes no version or alias.
    tick.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [tickWorker.functionArn] }),
    );

    outboxSender.addEventSource(
      new SqsEventSource(this.outbox, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // The secret header (Telegram) and the body's signature (WhatsApp) are the checks, made before anything is read.
    // Telegram's URL streams its response: the 200 leaves once the person has the answer, and the
    // invocation goes on to write the delivery records (functions/streamed.ts).
    const telegramUrl = telegramWebhook.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
    const whatsappUrl = whatsappWebhook?.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    // EventBridge Scheduler passes the target the input it is given, not an event: the input carries
    // the scheduled minute, which the tick takes as *now*.
    const tickTarget = new LambdaInvoke(tick, {
      input: scheduler.ScheduleTargetInput.fromObject({ time: scheduler.ContextAttribute.scheduledTime }),
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    });
    new scheduler.Schedule(this, 'TickSchedule', {
      description: 'Vicini: the per-minute tick (check-ins, ladder rungs, alert escalations)',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      target: tickTarget,
    });

    const alarms = addAlarms(this, {
      functions: Object.values(this.functions),
      webhooks: whatsappWebhook ? [telegramWebhook, whatsappWebhook] : [telegramWebhook],
      outboxDlq: this.outboxDlq,
      tickWorkFailed: this.tickWorkFailed,
      unacknowledgedAlertMinutes: props.unacknowledgedAlertMinutes ?? 60,
    });

    const outputs: Record<string, [string, string] | undefined> = {
      TableName: [this.table.tableName, 'Name of the DynamoDB table (TABLE_NAME for the bot)'],
      TelegramWebhookUrl: [
        telegramUrl.url,
        'The Telegram webhook (npm run set-webhook points Telegram here)',
      ],
      WhatsAppWebhookUrl: whatsappUrl && [
        whatsappUrl.url,
        'The WhatsApp webhook (the callback URL of the Meta app)',
      ],
      TelegramSecretArn: [
        this.secrets.telegram.secretArn,
        'Secret holding the bot token and the webhook secret (JSON)',
      ],
      WhatsAppSecretArn: this.secrets.whatsapp && [
        this.secrets.whatsapp.secretArn,
        'Secret holding the WhatsApp credentials',
      ],
      OutboxQueueUrl: [this.outbox.queueUrl, 'The SQS outbox'],
      OutboxDlqUrl: [this.outboxDlq.queueUrl, 'Outbound messages that failed 10 receives'],
      TickWorkFailedQueueUrl: [
        this.tickWorkFailed.queueUrl,
        "A heavy minute's work the tick worker failed for good (Lambda's invocation records)",
      ],
      AlarmTopicArn: [alarms.topic.topicArn, 'SNS topic every alarm notifies'],
      ServedBotUsername: [botUsername.valueAsString, 'The bot this stack serves'],
      Region: [this.region, 'Region of the stack'],
    };
    for (const [name, output] of Object.entries(outputs)) {
      if (output) new CfnOutput(this, name, { value: output[0], description: output[1] });
    }

    acknowledgeNagFindings(this, {
      secrets: Object.values(this.secrets),
      functions: Object.values(this.functions),
      schedulerRole: this.node.children.find((c) => c.node.id.startsWith('SchedulerRoleForTarget')),
      tick: tick.node.defaultChild as lambda.CfnFunction,
      tickWorkFailed: this.tickWorkFailed,
    });
  }

  private useTable(fn: NodejsFunction): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    const indexes = (tableDefinition('unused').GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: tableActions,
        resources: [this.table.tableArn, ...indexes.map((name) => `${this.table.tableArn}/index/${name}`)],
      }),
    );
  }

  private useOutbox(fn: NodejsFunction): void {
    fn.addEnvironment('OUTBOX_QUEUE_URL', this.outbox.queueUrl);
    this.outbox.grantSendMessages(fn);
  }

  private useSecret(fn: NodejsFunction, name: keyof typeof secretSources): void {
    const source: SecretSource = secretSources[name];
    const secret = this.secrets[name];
    if (!secret) throw new Error(`No ${name} secret in this stack`);
    fn.addEnvironment(source.arnVariable, secret.secretArn);
    secret.grantRead(fn);
  }
}

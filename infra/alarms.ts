import { CfnCondition, CfnParameter, Duration, Fn, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { metricNames, metricsNamespace } from '../bot/adapters/metrics.js';

/** What a Function URL publishes on its own (AWS/Lambda, dimension FunctionName), free of charge. */
const urlMetrics = { answered5xx: 'Url5xxCount', answered4xx: 'Url4xxCount' } as const;

export interface AlarmInputs {
  functions: NodejsFunction[];
  /** The functions behind the public Function URLs: the Telegram webhook, and the WhatsApp one if there is one. */
  webhooks: NodejsFunction[];
  outboxDlq: sqs.IQueue;
  /** The tick worker's on-failure destination. */
  tickWorkFailed: sqs.IQueue;
  unacknowledgedAlertMinutes: number;
}

const period = Duration.minutes(5);

/**
 * Alarms, all notifying one SNS topic (and the `AlarmEmail` address, when
 * given): a message in the outbox DLQ, work the tick worker gave up on, any
 * Lambda error, the tick falling behind (or not running), an alert nobody
 * acknowledged for too long, and webhook requests answered 5xx or (10 in 5
 * minutes) 4xx.
 */
export function addAlarms(
  stack: Stack,
  inputs: AlarmInputs,
): { topic: sns.Topic; alarms: cloudwatch.Alarm[] } {
  const topic = new sns.Topic(stack, 'AlarmTopic', { displayName: 'Vicini alarms', enforceSSL: true });
  const email = new CfnParameter(stack, 'AlarmEmail', {
    type: 'String',
    default: '',
    description: 'Where alarms are e-mailed (empty: none; subscribe to the AlarmTopic yourself)',
  });
  const subscription = new sns.CfnSubscription(stack, 'AlarmEmailSubscription', {
    topicArn: topic.topicArn,
    protocol: 'email',
    endpoint: email.valueAsString,
  });
  subscription.cfnOptions.condition = new CfnCondition(stack, 'HasAlarmEmail', {
    expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')),
  });

  // The bot's own metrics carry no dimension (bot/adapters/metrics.ts: alarmedMetrics), one each.
  const vicini = (metricName: string, statistic: string) =>
    new cloudwatch.Metric({ namespace: metricsNamespace, metricName, statistic, period });

  // A broken secret or database answers every update 401/500: responses, not Lambda errors. The
  // Function URLs count their answers themselves, free (no custom metric), and Url5xxCount also
  // counts the 502 a URL answers when its function crashed or timed out. Each alarm sums both
  // webhooks' counts, SUM over the array adding whatever points a period has (a URL with no
  // requests in a period has none): one alarm per condition, with one threshold for the two
  // channels as before. A math alarm is billed per metric it reads, 2 each here, as much as one
  // alarm per webhook would cost.
  const bothWebhooks = (metricName: string, label: string) => {
    const usingMetrics = Object.fromEntries(
      inputs.webhooks.map((fn) => [
        `${fn.node.id[0]!.toLowerCase()}${fn.node.id.slice(1)}`,
        fn.metric(metricName, { period, statistic: cloudwatch.Stats.SUM }),
      ]),
    );
    return new cloudwatch.MathExpression({
      expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      period,
      label,
    });
  };
  // The channels whose webhooks there are, as the alarms name them: "Telegram or WhatsApp", or "Telegram".
  const channelNames: Record<string, string> = { TelegramWebhook: 'Telegram', WhatsappWebhook: 'WhatsApp' };
  const channels = inputs.webhooks.map((fn) => channelNames[fn.node.id] ?? fn.node.id).join(' or ');
  const webhookAlarms = [
    new cloudwatch.Alarm(stack, 'WebhookUpdatesFailedAlarm', {
      alarmDescription: `Webhooks (${channels}): a request answered 5xx in 5 minutes (an update failed, or the function crashed or timed out)`,
      metric: bothWebhooks(urlMetrics.answered5xx, 'Webhook requests answered 5xx'),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(stack, 'WebhookUpdatesRejectedAlarm', {
      alarmDescription: `Webhooks (${channels}): 10 or more requests answered 4xx (wrong secret or signature, bad body) in 5 minutes`,
      metric: bothWebhooks(urlMetrics.answered4xx, 'Webhook requests answered 4xx'),
      threshold: 10,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];

  /** Anything waiting in a queue that only holds what failed. */
  const notEmpty = (id: string, alarmDescription: string, queue: sqs.IQueue) =>
    new cloudwatch.Alarm(stack, id, {
      alarmDescription,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

  const alarms = [
    ...webhookAlarms,
    notEmpty(
      'OutboxDlqNotEmptyAlarm',
      'Outbound messages failed 10 receives and wait in the outbox DLQ',
      inputs.outboxDlq,
    ),
    // Work the tick worker gave up on: failed three times, or throttled past its age (a throttle is
    // no error: only this says so). Every group's timers are caught up by the next minutes anyway.
    notEmpty(
      'TickWorkFailedAlarm',
      'The tick worker gave up on a group of a heavy minute (see the TickWorkFailed queue)',
      inputs.tickWorkFailed,
    ),
    ...inputs.functions.map(
      (fn) =>
        new cloudwatch.Alarm(fn, 'ErrorsAlarm', {
          alarmDescription: `Errors in ${fn.node.id}`,
          metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    ),
    // The tick publishes now − cursor every minute; no data at all means it is not running.
    new cloudwatch.Alarm(stack, 'TickLagAlarm', {
      alarmDescription: 'The tick is more than 5 minutes behind, or not running',
      metric: vicini(metricNames.tickLagSeconds, cloudwatch.Stats.MAXIMUM),
      threshold: 300,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }),
    new cloudwatch.Alarm(stack, 'UnacknowledgedAlertAlarm', {
      alarmDescription: `A mediator alert has been open, unacknowledged, for over ${inputs.unacknowledgedAlertMinutes} minutes`,
      metric: vicini(metricNames.oldestUnacknowledgedAlertMinutes, cloudwatch.Stats.MAXIMUM),
      threshold: inputs.unacknowledgedAlertMinutes,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The tick lag alarm covers a tick that does not run.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
  for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(topic));
  return { topic, alarms };
}

import { CfnCondition, CfnParameter, Duration, Fn, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { metricNames, metricsNamespace } from '../bot/adapters/metrics.js';

export interface AlarmInputs {
  functions: NodejsFunction[];
  outboxDlq: sqs.IQueue;
  unacknowledgedAlertMinutes: number;
}

const period = Duration.minutes(5);

/**
 * Alarms, all notifying one SNS topic (and the `AlarmEmail` address, when
 * given): a message in the outbox DLQ, any Lambda error, the tick falling
 * behind (or not running), an alert nobody acknowledged for too long, and
 * webhook updates that failed or were rejected.
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

  // A broken secret or database answers every update 401/500: responses, not Lambda errors. Both
  // webhooks count into the same two metrics; the log line of the update names the channel.
  const webhookAlarms = [
    new cloudwatch.Alarm(stack, 'WebhookUpdatesFailedAlarm', {
      alarmDescription: 'Webhooks (Telegram or WhatsApp): updates failed (answered 5xx) in 5 minutes',
      metric: vicini(metricNames.updatesFailed, cloudwatch.Stats.SUM),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(stack, 'WebhookUpdatesRejectedAlarm', {
      alarmDescription:
        'Webhooks (Telegram or WhatsApp): 10 or more updates rejected (wrong secret or signature, bad body) in 5 minutes',
      metric: vicini(metricNames.updatesRejected, cloudwatch.Stats.SUM),
      threshold: 10,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];

  const alarms = [
    ...webhookAlarms,
    new cloudwatch.Alarm(stack, 'OutboxDlqNotEmptyAlarm', {
      alarmDescription: 'Outbound messages failed 10 receives and wait in the outbox DLQ',
      metric: inputs.outboxDlq.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
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

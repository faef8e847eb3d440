import { Validations, type CfnElement, type Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * cdk-nag AwsSolutions findings accepted on purpose, each on the narrowest
 * construct it applies to, with the reason.
 */
export function acknowledgeNagFindings(
  stack: Stack,
  parts: {
    secrets: Construct[];
    functions: Construct[];
    schedulerRole: Construct | undefined;
    tick: CfnElement;
    tickWorkFailed: Construct;
  },
): void {
  for (const secret of parts.secrets) {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No automatic rotation: the bot token is issued by @BotFather and the WhatsApp credentials by Meta, ' +
        'so a rotation Lambda cannot renew them; the webhook secret is rotated by running npm run set-webhook ' +
        'after changing it (README, Deployment).',
    });
  }
  for (const fn of parts.functions) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime this project targets and tests against (issue 5); moving to a newer ' +
        'runtime is a deliberate change with its own test run, not a silent default.',
    });
  }
  Validations.of(parts.tickWorkFailed).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the tick worker's on-failure destination, a dead-letter queue in all but name " +
      '(Lambda writes the invocation record of work it gave up on; nothing reads from it but a person, ' +
      'and its alarm): it needs no dead-letter queue of its own.',
  });
  if (parts.schedulerRole) {
    Validations.of(parts.schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(parts.tick)}.Arn>:*]`,
      reason:
        "EventBridge Scheduler's target role (made by aws-scheduler-targets) may invoke the tick function " +
        'and its versions (<arn>:*), nothing else.',
    });
  }
}

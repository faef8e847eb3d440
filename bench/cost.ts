/**
 * `npm run bench` (cost part): the fixed monthly cost of the stack, counted
 * from the synthesized template (alarms, the metrics they read, secrets,
 * dashboards, the per-minute tick, the queues Lambda polls, the tick worker's
 * daily wave) and priced at the list prices below, written into BENCHMARKS.md
 * between its markers: for the default deployment (Telegram only) and with
 * WhatsApp on.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { alarmedMetrics, metricsNamespace, services } from '../bot/adapters/metrics.js';
import { ViciniStack } from '../infra/vicini-stack.js';

const file = new URL('../BENCHMARKS.md', import.meta.url);
const start = '<!-- bench:cost:start -->';
const end = '<!-- bench:cost:end -->';

/**
 * us-east-1 list prices (USD), from aws.amazon.com/{cloudwatch,secrets-manager,lambda,dynamodb,
 * eventbridge}/pricing, as read on 2026-12-02. eu-south-1 (Milan) lists most of them a few per cent higher.
 */
const price = {
  customMetricMonth: 0.3, // first 10,000 metrics
  alarmMetricMonth: 0.1, // standard resolution, per metric the alarm reads (each metric of a math alarm)
  dashboardMonth: 3, // beyond the 3 free
  secretMonth: 0.4,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  dynamoReadUnit: 0.125 / 1e6, // on demand
  dynamoWriteUnit: 0.625 / 1e6,
  schedulerInvocation: 1 / 1e6, // after 14 million free a month
  logsIngestedGb: 0.5,
  sqsStandardRequest: 0.4 / 1e6, // after 1 million free a month
  sqsFifoRequest: 0.5 / 1e6,
};
/** The always-free tier that applies here: CloudWatch's 10 custom metrics, 10 alarm metrics, 3 dashboards. */
const free = { customMetrics: 10, alarmMetrics: 10, dashboards: 3 };

/**
 * The tick runs every minute whatever the network's size; what one run costs with nothing due. It fans
 * out to its workers only in a heavy minute (more than TICK_FAN_OUT_ABOVE due), which an idle stack has
 * none of: one invocation a minute, no SQS message.
 */
const tick = {
  runsPerMonth: 60 * 24 * 30.4,
  seconds: 0.3, // an idle tick (assumed)
  // Read requests, each billed as at least one read unit: the cursor and one query per shard (16; counted
  // in test/integration/morning-wave.test.ts), then the handler's open alerts' ages (2 per zone, 5 zones).
  reads: 1 + 16 + 10,
  writes: 1, // the cursor
  logBytes: 1_500, // the EMF line and the tick's log line
};

/**
 * The heavy minute a 1,000-elder network has every day: all of them asked at 09:00 (the default
 * check-in time), more than the scheduled run fires itself (TICK_FAN_OUT_ABOVE, 500), so it is
 * handed to the tick worker, one invocation per group. A worker's run: a cold start (it runs once a
 * day; counted as billed, the upper end) and its share of the prompts at the CPU a prompt takes
 * (BENCHMARKS.md, "The tick at scale": 4–5.5 ms of one vCPU; 5.5 here), stretched by its share of
 * a vCPU. Its DynamoDB calls beyond the prompts' own (which any run firing them would make): two
 * cursors read and one written, one query per shard and hour bucket (two buckets).
 */
const wave = {
  prompts: 1_000,
  perMonth: 30.4,
  coldStartSeconds: 1,
  cpuMsPerPrompt: 5.5,
  bucketsRead: 2,
  logBytes: 2_000,
};

const context = {
  ...(JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: object })
    .context,
  'aws:cdk:bundling-stacks': [],
};

type Line = [part: string, count: string, cost: number, withFree: number];
const usd = (n: number) => `$${n.toFixed(2)}`;

/** The fixed monthly cost of one synthesized stack, part by part. */
function costOf(template: Template): Line[] {
  type Metric = { Namespace?: string; MetricName?: string; Dimensions?: unknown };
  type Props = Metric & { Metrics?: { Expression?: string; MetricStat?: { Metric: Metric } }[] };
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as Props,
  );
  /**
   * The metrics each alarm reads, which is what CloudWatch bills: a plain alarm's one, or the metrics
   * of a metric-math alarm's queries (its expressions are free).
   */
  const read = (a: Props): Metric[] =>
    a.Metrics ? a.Metrics.flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : [])) : [a];
  const alarmMetrics = alarms.reduce((n, a) => n + read(a).length, 0);
  const mathAlarms = alarms.filter((a) => a.Metrics?.some((q) => q.Expression)).length;
  const customMetrics = new Set(
    alarms
      .flatMap(read)
      .filter((m) => m.Namespace === metricsNamespace)
      .map((m) => `${m.MetricName} ${JSON.stringify(m.Dimensions ?? [])}`),
  );
  if (customMetrics.size !== alarmedMetrics.size) {
    throw new Error(
      `The alarms read ${customMetrics.size} custom metrics; the Lambdas publish ${alarmedMetrics.size}`,
    );
  }
  const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret')).length;
  /** A function of the stack by its service name, as the stack sets it. */
  type FunctionProps = {
    MemorySize?: number;
    Environment?: { Variables?: Record<string, unknown> };
  };
  const functionOf = (service: string) => {
    const found = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties as FunctionProps)
      .find((p) => p.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
    if (!found?.MemorySize) throw new Error(`no ${service} function with a memory size in the stack`);
    return found;
  };
  /** The scheduled tick's memory, and the worker's, in GB; the number of groups a heavy minute goes to. */
  const tickGb = functionOf(services.tick).MemorySize! / 1024;
  const worker = functionOf(services.tickWorker);
  const workerGb = worker.MemorySize! / 1024;
  const groups = Number(worker.Environment?.Variables?.TICK_GROUPS);
  if (!(groups > 0)) throw new Error('no TICK_GROUPS on the tick worker');

  /**
   * A queue a Lambda consumes is polled whether or not anything is in it: Lambda's pollers long-poll it
   * (ReceiveMessage waits up to 20 s), and SQS bills each call. AWS's page on SQS event source scaling says
   * that at low traffic Lambda keeps five concurrent batches, and may go down to two — but not on a mapping
   * with maximum concurrency set. Five pollers on every queue is the figure counted here (the upper end).
   */
  const idlePoll = { pollers: 5, receivesPerPollerMinute: 3 };
  const queues = template.findResources('AWS::SQS::Queue');
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) => {
    const arn = (m.Properties as { EventSourceArn?: { 'Fn::GetAtt'?: [string, string] } }).EventSourceArn;
    const queue = queues[arn?.['Fn::GetAtt']?.[0] ?? ''];
    if (!queue) throw new Error('an event source mapping that reads no queue of this stack');
    return { fifo: !!(queue.Properties as { FifoQueue?: boolean }).FifoQueue };
  });
  const receivesPerQueueMonth = idlePoll.pollers * idlePoll.receivesPerPollerMinute * 60 * 24 * 30.4;
  const pollCost = mappings.reduce(
    (n, m) => n + receivesPerQueueMonth * (m.fifo ? price.sqsFifoRequest : price.sqsStandardRequest),
    0,
  );
  const dashboards = Object.keys(template.findResources('AWS::CloudWatch::Dashboard')).length;

  const tickCost =
    tick.runsPerMonth *
    (price.lambdaRequest +
      tick.seconds * tickGb * price.lambdaArmGbSecond +
      tick.reads * price.dynamoReadUnit +
      tick.writes * price.dynamoWriteUnit +
      price.schedulerInvocation +
      (tick.logBytes / 1e9) * price.logsIngestedGb);

  // The daily wave: `groups` worker runs, each a cold start and its share of the prompts.
  const workerSeconds =
    wave.coldStartSeconds +
    ((wave.prompts / groups) * wave.cpuMsPerPrompt) / 1000 / Math.min(1, workerGb / (1769 / 1024));
  const workerReads = 2 + (16 / groups) * wave.bucketsRead;
  const workerRun =
    price.lambdaRequest +
    workerSeconds * workerGb * price.lambdaArmGbSecond +
    workerReads * price.dynamoReadUnit +
    price.dynamoWriteUnit +
    (wave.logBytes / 1e9) * price.logsIngestedGb;
  const workerCost = wave.perMonth * groups * workerRun;

  const lines: Line[] = [
    [
      'CloudWatch custom metrics',
      `${customMetrics.size} (${[...alarmedMetrics].join(', ')}), no dimensions, × ${usd(price.customMetricMonth)}`,
      customMetrics.size * price.customMetricMonth,
      Math.max(0, customMetrics.size - free.customMetrics) * price.customMetricMonth,
    ],
    [
      'CloudWatch alarms',
      `${alarms.length} standard (${mathAlarms} of them metric math), ${alarmMetrics} metrics read, × ${usd(price.alarmMetricMonth)}`,
      alarmMetrics * price.alarmMetricMonth,
      Math.max(0, alarmMetrics - free.alarmMetrics) * price.alarmMetricMonth,
    ],
    [
      'CloudWatch dashboards',
      `${dashboards} × ${usd(price.dashboardMonth)}`,
      dashboards * price.dashboardMonth,
      Math.max(0, dashboards - free.dashboards) * price.dashboardMonth,
    ],
    [
      'Secrets Manager',
      `${secrets} secret${secrets === 1 ? '' : 's'} × ${usd(price.secretMonth)}`,
      secrets * price.secretMonth,
      secrets * price.secretMonth,
    ],
    [
      'the tick, every minute (Lambda, Scheduler, DynamoDB, logs)',
      `${Math.round(tick.runsPerMonth).toLocaleString('en')} runs of ${tick.seconds} s at ${tickGb * 1024} MB, ${tick.reads} reads, ${tick.writes} write; no fan-out while idle (no SQS, no invocation)`,
      tickCost,
      // Lambda's, Scheduler's and CloudWatch Logs' free tiers cover it; DynamoDB's reads and writes remain.
      tick.runsPerMonth * (tick.reads * price.dynamoReadUnit + tick.writes * price.dynamoWriteUnit),
    ],
    [
      'SQS queues polled by Lambda while idle',
      `${mappings.length} queue${mappings.length === 1 ? '' : 's'} (${mappings.filter((m) => m.fifo).length} FIFO) × ${idlePoll.pollers} pollers × ${idlePoll.receivesPerPollerMinute} receives a minute: ${Math.round((mappings.length * receivesPerQueueMonth) / 1e3).toLocaleString('en')}k requests`,
      pollCost,
      // SQS's first million requests a month are free; the rest at the queues' mix of prices.
      Math.max(0, mappings.length * receivesPerQueueMonth - 1e6) *
        (pollCost / (mappings.length * receivesPerQueueMonth || 1)),
    ],
    [
      `the tick worker: the 09:00 wave of ${wave.prompts.toLocaleString('en')} prompts, daily (Lambda, DynamoDB, logs)`,
      `${wave.perMonth} × ${groups} asynchronous invocations of ${workerSeconds.toFixed(2)} s at ${Math.round(workerGb * 1024).toLocaleString('en')} MB (${wave.coldStartSeconds} s cold start + ${wave.prompts / groups} prompts × ${wave.cpuMsPerPrompt} ms), ${workerReads} reads and 1 write besides the prompts' own: ${(workerRun * 1e6).toFixed(1)} µ$ a run`,
      workerCost,
      // Lambda's and the logs' free tiers cover it; DynamoDB's reads and writes remain.
      wave.perMonth * groups * (workerReads * price.dynamoReadUnit + price.dynamoWriteUnit),
    ],
  ];
  return lines;
}

const [telegramOnly, withWhatsApp] = [false, true].map((whatsapp) =>
  costOf(Template.fromStack(new ViciniStack(new App({ context }), 'Vicini', { whatsapp }))),
);
const lines = telegramOnly!;
const total = lines.reduce((n, l) => n + l[2], 0);
const totalFree = lines.reduce((n, l) => n + l[3], 0);
const totalWhatsApp = withWhatsApp!.reduce((n, l) => n + l[2], 0);
const totalWhatsAppFree = withWhatsApp!.reduce((n, l) => n + l[3], 0);

const section = [
  start,
  '## Fixed monthly cost',
  '',
  `Written by \`npm run bench\` (bench/cost.ts) on ${new Date().toISOString().slice(0, 10)} from the synthesized stack as deployed by default`,
  '(Telegram only; WhatsApp below): what the stack costs a month before anyone writes to the bot, with the one heavy',
  'minute a 1,000-elder network has every day (all of them asked at 09:00, the default) handed to the tick worker.',
  'Prices: us-east-1 list prices (USD) from the AWS pricing pages of CloudWatch, Secrets Manager, Lambda (arm64),',
  'DynamoDB (on demand), EventBridge Scheduler; eu-south-1 lists most of them a few per cent higher. KMS costs',
  'nothing here (AWS managed keys, SQS-managed encryption); the webhooks and SQS are paid per request, and the',
  'requests of an idle stack are the ones counted here: the tick and the pollers of the queues Lambda consumes. The',
  "prompts' own DynamoDB and SQS calls (3 and 0.1 a prompt) are the network's use, whoever fires them, and not counted.",
  '',
  '| part | count | list price a month | with the always-free tier |',
  '|---|---|---:|---:|',
  ...lines.map(([part, count, cost, withFree]) => `| ${part} | ${count} | ${usd(cost)} | ${usd(withFree)} |`),
  `| **total** | | **${usd(total)}** | **${usd(totalFree)}** |`,
  '',
  `With WhatsApp on (\`-c vicini:whatsapp=true\`): **${usd(totalWhatsApp)}** (${usd(totalWhatsAppFree)} with the always-free tier), as ${withWhatsApp!
    .filter((l, i) => Math.abs(l[2] - lines[i]![2]) > 0.001)
    .map((l) => `${l[0]}: ${l[1]}, ${usd(l[2])}`)
    .join(
      '; ',
    )}: its secret, its webhook's errors alarm, and its Function URL's two metrics in the webhook alarms.`,
  '',
  'The always-free tier: CloudWatch 10 custom metrics, 10 alarm metrics, 3 dashboards, 5 GB of logs; Lambda 1 million',
  "requests and 400,000 GB-seconds; Scheduler 14 million invocations; SQS 1 million requests. The tick's run time is an",
  "assumption (an idle run), and so is the number of pollers (the upper end of what AWS's SQS scaling page describes),",
  "and the worker's cold start. Only the outbox is polled: the tick hands its heavy minutes to the worker by asynchronous",
  'invocation (no queue between them), and its on-failure queue is consumed by nobody.',
  "The webhooks' alarms read their Function URLs' `Url5xxCount` and `Url4xxCount` (AWS/Lambda, published by Lambda at no",
  'charge): those are billed only as the metrics an alarm reads, not as custom metrics.',
  '',
  end,
].join('\n');

const before = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const next =
  before.includes(start) && before.includes(end)
    ? before.slice(0, before.indexOf(start)) + section + before.slice(before.indexOf(end) + end.length)
    : `${before.trimEnd()}\n\n${section}\n`;
writeFileSync(file, next);
console.log(section);

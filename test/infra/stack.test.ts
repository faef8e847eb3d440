import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { attr, index, tableDefinition } from '../../bot/adapters/store/table.js';
import { ViciniStack } from '../../infra/vicini-stack.js';

// The same feature flags `cdk synth` reads, so the template under test is the one that gets deployed.
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
// Templates only: bundling is skipped here (the bundles have their own test, bundles.test.ts).
const context = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };

const TABLE = 'AWS::DynamoDB::GlobalTable';

interface KeyElement {
  AttributeName: string;
  KeyType: string;
}
interface TemplateGsi {
  IndexName: string;
  KeySchema: KeyElement[];
  Projection: { ProjectionType: string };
}
interface TableResource {
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties: {
    KeySchema: KeyElement[];
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    GlobalSecondaryIndexes: TemplateGsi[];
  };
}

describe('ViciniStack', () => {
  let stack: ViciniStack;
  let template: Template;
  let table: TableResource;

  beforeAll(() => {
    stack = new ViciniStack(new App({ context }), 'Test');
    template = Template.fromStack(stack);
    const tables = Object.values(template.findResources(TABLE)) as TableResource[];
    expect(tables).toHaveLength(1);
    table = tables[0]!;
  });

  it('has exactly one DynamoDB table', () => {
    template.resourceCountIs(TABLE, 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  it('keys the table on string PK / SK', () => {
    template.hasResourceProperties(TABLE, {
      KeySchema: [
        { AttributeName: attr.pk, KeyType: 'HASH' },
        { AttributeName: attr.sk, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ]),
    });
  });

  it('has GSI1, GSI2 and GSI3 on string keys with ALL projection', () => {
    expect(index).toEqual({ byList: 'GSI1', byDue: 'GSI2', byCell: 'GSI3' });
    const expected = [
      ['GSI1', 'GSI1PK', 'GSI1SK'],
      ['GSI2', 'GSI2PK', 'GSI2SK'],
      ['GSI3', 'GSI3PK', 'GSI3SK'],
    ] as const;
    template.hasResourceProperties(TABLE, {
      GlobalSecondaryIndexes: expected.map(([name, pk, sk]) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: pk, KeyType: 'HASH' },
          { AttributeName: sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      AttributeDefinitions: Match.arrayWith(
        expected.flatMap(([, pk, sk]) => [
          { AttributeName: pk, AttributeType: 'S' },
          { AttributeName: sk, AttributeType: 'S' },
        ]),
      ),
    });
  });

  it('bills on demand, with PITR, deletion protection, AWS-managed encryption and TTL on ttl', () => {
    template.hasResourceProperties(TABLE, {
      BillingMode: 'PAY_PER_REQUEST',
      // One replica only (the stack's own region), carrying the per-replica settings.
      Replicas: [
        Match.objectLike({
          Region: { Ref: 'AWS::Region' },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('retains the table on delete and on replacement', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('exposes the table and outputs its name', () => {
    const [logicalId] = Object.keys(template.findResources(TABLE));
    expect(stack.resolve(stack.table.tableName)).toEqual({ Ref: logicalId });
    template.hasOutput('TableName', { Value: { Ref: logicalId } });
  });

  it('matches tableDefinition (what db:init creates locally): keys, attributes and GSIs', () => {
    const definition = tableDefinition('x');
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
      (a.AttributeName ?? '').localeCompare(b.AttributeName ?? '');
    expect(table.Properties.KeySchema).toEqual(definition.KeySchema);
    expect([...table.Properties.AttributeDefinitions].sort(byName)).toEqual(
      [...(definition.AttributeDefinitions ?? [])].sort(byName),
    );
    const gsis = table.Properties.GlobalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({
      IndexName,
      KeySchema,
      Projection,
    }));
    expect(gsis).toEqual(definition.GlobalSecondaryIndexes);
  });

  it('has one Secrets Manager secret on Telegram alone (token and generated webhook secret, one JSON); WhatsApp adds its own', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ TELEGRAM_BOT_TOKEN: '' }),
        GenerateStringKey: 'TELEGRAM_WEBHOOK_SECRET',
        ExcludePunctuation: true,
        PasswordLength: 64,
      },
    });
    const withWhatsApp = Template.fromStack(
      new ViciniStack(new App({ context }), 'WithWhatsApp', { whatsapp: true }),
    );
    withWhatsApp.resourceCountIs('AWS::SecretsManager::Secret', 2);
    withWhatsApp.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'WHATSAPP_VERIFY_TOKEN' }),
    });
    template.hasOutput('TelegramSecretArn', {
      Value: { Ref: stack.getLogicalId(stack.secrets.telegram.node.defaultChild as never) },
    });
    expect(Object.keys(template.findOutputs('*'))).not.toContain('TelegramBotTokenSecretArn');
  });

  it('synthesizes offline: no context lookups, even with a concrete environment', () => {
    const app = new App({ context });
    new ViciniStack(app, 'Vicini', { env: { account: '123456789012', region: 'eu-south-1' } });
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });
});

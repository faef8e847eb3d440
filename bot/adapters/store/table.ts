import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Attribute names shared by every item of the one table. */
export const attr = {
  pk: 'PK',
  sk: 'SK',
  gsi1pk: 'GSI1PK',
  gsi1sk: 'GSI1SK',
  gsi2pk: 'GSI2PK',
  gsi2sk: 'GSI2SK',
  gsi3pk: 'GSI3PK',
  gsi3sk: 'GSI3SK',
  entity: 'entity',
  ttl: 'ttl',
} as const;

/** Index names; ARCHITECTURE.md says what each one lists. */
export const index = {
  byList: 'GSI1',
  byDue: 'GSI2',
  byCell: 'GSI3',
} as const;

/**
 * The one table's shape, used by `npm run db:init` (DynamoDB Local or AWS) and
 * mirrored by the CDK stack. On-demand billing; TTL on `ttl` is set separately.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const gsi = (name: string, pk: string, sk: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: pk, KeyType: 'HASH' as const },
      { AttributeName: sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      attr.pk,
      attr.sk,
      attr.gsi1pk,
      attr.gsi1sk,
      attr.gsi2pk,
      attr.gsi2sk,
      attr.gsi3pk,
      attr.gsi3sk,
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: attr.pk, KeyType: 'HASH' },
      { AttributeName: attr.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      gsi(index.byList, attr.gsi1pk, attr.gsi1sk),
      gsi(index.byDue, attr.gsi2pk, attr.gsi2sk),
      gsi(index.byCell, attr.gsi3pk, attr.gsi3sk),
    ],
  };
}

import type { AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { attr, tableDefinition } from '../bot/store/table.js';

/** The whole backend. For now only the one table; later: Lambdas, queues, alarms. */
export class ViciniStack extends Stack {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Key schema and GSIs come from the definition `npm run db:init` uses locally, so they cannot drift.
    // The physical name is left to CloudFormation; the Lambdas will get it from `table.tableName`.
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

    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'Name of the DynamoDB table (TABLE_NAME for the bot)',
    });
  }
}

type AttributeTypes = ReadonlyMap<string, dynamodb.AttributeType>;

const sdkAttributeTypes: Record<string, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

const sdkProjectionTypes: Record<string, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  INCLUDE: dynamodb.ProjectionType.INCLUDE,
};

function attributeTypes(definitions: AttributeDefinition[] = []): AttributeTypes {
  return new Map(
    definitions.map(({ AttributeName, AttributeType }) => {
      const type = AttributeType && sdkAttributeTypes[AttributeType];
      if (!AttributeName || !type) throw new Error(`Bad attribute definition: ${AttributeName}`);
      return [AttributeName, type];
    }),
  );
}

/** The HASH and RANGE keys of a key schema, typed from the attribute definitions. */
function keys(
  schema: KeySchemaElement[] | undefined,
  types: AttributeTypes,
  where: string,
): { partitionKey: dynamodb.Attribute; sortKey?: dynamodb.Attribute } {
  const attribute = (keyType: 'HASH' | 'RANGE') => {
    const name = schema?.find((k) => k.KeyType === keyType)?.AttributeName;
    if (!name) return undefined;
    const type = types.get(name);
    if (!type) throw new Error(`Key attribute ${name} of ${where} has no attribute definition`);
    return { name, type };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new Error(`No partition key for ${where}`);
  return { partitionKey, sortKey: attribute('RANGE') };
}

function globalIndex(gsi: GlobalSecondaryIndex, types: AttributeTypes): dynamodb.GlobalSecondaryIndexPropsV2 {
  const indexName = gsi.IndexName;
  if (!indexName) throw new Error('GSI without a name');
  const projection = gsi.Projection?.ProjectionType ?? 'ALL';
  const projectionType = sdkProjectionTypes[projection];
  if (!projectionType) throw new Error(`Unknown projection ${projection} of ${indexName}`);
  return {
    indexName,
    ...keys(gsi.KeySchema, types, indexName),
    projectionType,
    nonKeyAttributes: gsi.Projection?.NonKeyAttributes,
  };
}

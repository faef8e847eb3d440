import type { AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

// The table's key schema and indexes, from the SDK's definition (what `npm run db:init` creates
// locally) to CDK's: one definition, so the deployed table and the local one cannot drift.

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

export function attributeTypes(definitions: AttributeDefinition[] = []): AttributeTypes {
  return new Map(
    definitions.map(({ AttributeName, AttributeType }) => {
      const type = AttributeType && sdkAttributeTypes[AttributeType];
      if (!AttributeName || !type) throw new Error(`Bad attribute definition: ${AttributeName}`);
      return [AttributeName, type];
    }),
  );
}

/** The HASH and RANGE keys of a key schema, typed from the attribute definitions. */
export function keys(
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

export function globalIndex(
  gsi: GlobalSecondaryIndex,
  types: AttributeTypes,
): dynamodb.GlobalSecondaryIndexPropsV2 {
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

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Key } from './keys.js';
import { attr, index } from './table.js';

type Item = Record<string, unknown>;

/** How a partition query reads: strongly consistent or not, newest sort key first, at most `limit` items. */
export interface PrefixQuery {
  consistent?: boolean;
  newestFirst?: boolean;
  limit?: number;
}

/**
 * What every adapter on the one table starts from: the document client, the
 * table's name, and the plain calls they all make on it. Conditions stay with
 * each adapter, which maps a failed one to a named error or an answer (items.ts).
 */
export abstract class TableAdapter {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  /** One item by key; `consistent` where the caller must see the last write. */
  protected async getItem(key: Key, consistent = false): Promise<Item | undefined> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key, ...(consistent ? { ConsistentRead: true } : {}) }),
    );
    return got.Item;
  }

  /** One page of a partition's items whose sort key begins with `prefix`. */
  protected async queryPrefix(pk: string, prefix: string, how: PrefixQuery = {}): Promise<Item[]> {
    const got = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': prefix },
        ...(how.newestFirst ? { ScanIndexForward: false } : {}),
        ...(how.limit ? { Limit: how.limit } : {}),
        ...(how.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    return got.Items ?? [];
  }

  /** One page of a GSI1 list (a zone's alerts, its open requests) whose sort key begins with `prefix`. */
  protected async queryList(pk: string, prefix: string, limit: number): Promise<Item[]> {
    const got = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.byList,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': attr.gsi1pk, '#sk': attr.gsi1sk },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        Limit: limit,
      }),
    );
    return got.Items ?? [];
  }

  protected async putItem(
    item: Item,
    condition: Omit<PutCommandInput, 'TableName' | 'Item'> = {},
  ): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ...condition }));
  }

  /** An update; returns the attributes it was asked to return. */
  protected async updateItem(input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | undefined> {
    const got = await this.doc.send(new UpdateCommand({ TableName: this.table, ...input }));
    return got.Attributes;
  }

  /** Puts every item in one transaction, each only where no item has its key yet. */
  protected async putAllNew(items: Item[]): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: items.map((Item) => ({
          Put: { TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(PK)' },
        })),
      }),
    );
  }

  protected async deleteItem(
    key: Key,
    condition: Omit<DeleteCommandInput, 'TableName' | 'Key'> = {},
  ): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key, ...condition }));
  }
}

import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Person, PrivateDetails } from '../../domain/person.js';
import type { CellQuery } from '../../domain/cells.js';
import type { HelpRequest } from '../../domain/request.js';
import type { Requests } from '../../core/ports.js';
import { byCell, entity, keys, personPk, requestList, skPrefix } from './keys.js';
import { queryAll } from './batch.js';
import { attr, index } from './table.js';
import { conditionHeld, epoch, fromItem } from './items.js';
import { RequestTable, requestFromItem } from './request-table.js';
import { DynamoTasks } from './dynamo-tasks.js';

/** What a volunteer's card needs of an elder: her profile, her private details, her followers' profiles. */
export function elderDetailsKeys(elderId: string, followerIds: string[]) {
  return [
    keys.person(elderId),
    keys.private(elderId),
    ...followerIds.slice(0, 90).map((id) => keys.person(id)),
  ];
}

/** The elder's details among the items read (other items are left alone). */
export function elderDetailsFrom(
  items: Record<string, unknown>[],
  elderId: string,
  followerIds?: string[],
): { elder: Person | null; details: PrivateDetails; followers: Person[] } {
  const pk = personPk(elderId);
  const elder = items.find((i) => i.PK === pk && i.SK === 'PROFILE');
  const priv = items.find((i) => i.PK === pk && i.SK === 'PRIVATE');
  const wanted = followerIds && new Set(followerIds.map(personPk));
  const followers = items
    .filter((i) => i.SK === 'PROFILE' && i.PK !== pk && (!wanted || wanted.has(String(i.PK))))
    .map((i) => fromItem<Person>(i));
  return {
    elder: elder ? fromItem<Person>(elder) : null,
    details: priv ? fromItem<PrivateDetails>(priv) : {},
    followers,
  };
}

/**
 * Help requests on the one table (`REQ#<id>`, listed on GSI1 while open, with a
 * pointer in the elder's partition), and the reads that route them: the
 * volunteers' geo index (GSI3) and the elder's details. The volunteers' side
 * (offers, accepting, the task) is in dynamo-tasks.ts.
 */
export class DynamoRequests extends RequestTable implements Requests {
  private readonly tasks = new DynamoTasks(this.doc, this.table);

  /** Creates it; the same id again (a re-run of the turn that made it) changes nothing. */
  async createRequest(r: HelpRequest): Promise<void> {
    const { offeredTo: _o, excluded: _e, ...rest } = r;
    const item = {
      ...keys.request(r.id),
      [attr.entity]: entity.request,
      [attr.gsi1pk]: requestList.zone(r.zoneId),
      [attr.gsi1sk]: requestList.sort(r.state, r.createdAt, r.id),
      ...rest,
      // String sets cannot be empty: absent until the first offer.
      ...(r.offeredTo.length ? { offeredTo: new Set(r.offeredTo) } : {}),
      ...(r.excluded.length ? { excluded: new Set(r.excluded) } : {}),
      offerMsgs: r.offerMsgs ?? {},
    };
    await conditionHeld(this.putItem(item, { ConditionExpression: 'attribute_not_exists(PK)' }));
    // The pointer again either way: a first try may have failed between the two writes.
    await this.putItem({ ...keys.requestRef(r.elderId, r.id), [attr.entity]: entity.requestRef });
  }

  async getRequest(id: string): Promise<HelpRequest | null> {
    const item = await this.getItem(keys.request(id), true);
    return item ? requestFromItem(item) : null;
  }

  async requestsOf(elderId: string): Promise<HelpRequest[]> {
    const refs = await this.queryPrefix(personPk(elderId), skPrefix.requestRef);
    const ids = refs.map((i) => (i.SK as string).slice(skPrefix.requestRef.length)).slice(-50);
    if (!ids.length) return [];
    const got = await this.doc.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: ids.map((id) => keys.request(id)) } } }),
    );
    return (got.Responses?.[this.table] ?? [])
      .map(requestFromItem)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async openRequests(zoneId: string): Promise<HelpRequest[]> {
    return (await this.queryList(requestList.zone(zoneId), 'open#', 20)).map(requestFromItem);
  }

  close(r: HelpRequest, now: Date, retentionDays: number): Promise<HelpRequest> {
    return this.updateRequest(
      r,
      { set: ['closedAt = :now', '#ttl = :ttl'] },
      '#state = :done',
      { ':now': now.toISOString(), ':ttl': epoch(now) + retentionDays * 86400, ':done': 'done' },
      'closed',
    );
  }

  /** Returns the request as it was before. */
  cancel(r: HelpRequest, now: Date, retentionDays: number): Promise<HelpRequest> {
    return this.updateRequest(
      r,
      { set: ['closedAt = :now', '#ttl = :ttl'] },
      '#state IN (:open, :assigned)',
      {
        ':now': now.toISOString(),
        ':ttl': epoch(now) + retentionDays * 86400,
        ':open': 'open',
        ':assigned': 'assigned',
      },
      'cancelled',
      true,
    );
  }

  /**
   * Every cell in one round: the queries go out together (the HTTP agent bounds how many at a time).
   * A whole partition, one cell of it (sort key by prefix), or a run of its cells (a sort-key range
   * up to the end of the last: '~' sorts after every geohash character and the '#' before the id).
   */
  async volunteersInCells(cells: CellQuery[]): Promise<{ people: Person[]; itemsRead: number }> {
    const pages = await Promise.all(
      cells.map((cell) => {
        const pk = { '#pk': attr.gsi3pk };
        const key = { ':pk': byCell.cell(cell.cell) };
        const within = !cell.prefix
          ? {
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: pk,
              ExpressionAttributeValues: key,
            }
          : cell.through
            ? {
                KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
                ExpressionAttributeNames: { ...pk, '#sk': attr.gsi3sk },
                ExpressionAttributeValues: { ...key, ':from': cell.prefix, ':to': `${cell.through}~` },
              }
            : {
                KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
                ExpressionAttributeNames: { ...pk, '#sk': attr.gsi3sk },
                ExpressionAttributeValues: { ...key, ':prefix': cell.prefix },
              };
        return queryAll(this.doc, { TableName: this.table, IndexName: index.byCell, ...within });
      }),
    );
    const people = pages.flatMap((page) => page.map((p) => fromItem<Person>(p)));
    return { people, itemsRead: people.length };
  }

  async elderDetails(
    elderId: string,
    followerIds: string[] = [],
  ): Promise<{ elder: Person | null; details: PrivateDetails; followers: Person[] }> {
    const got = await this.doc.send(
      new BatchGetCommand({
        RequestItems: { [this.table]: { Keys: elderDetailsKeys(elderId, followerIds) } },
      }),
    );
    return elderDetailsFrom(got.Responses?.[this.table] ?? [], elderId);
  }

  // The volunteers' side.
  offerByHand(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.tasks.offerByHand(r, volunteerId);
  }
  recordOffers(r: HelpRequest, volunteerIds: string[], wave: number, stage: number): Promise<HelpRequest> {
    return this.tasks.recordOffers(r, volunteerIds, wave, stage);
  }
  recordMessage(
    id: string,
    field: 'offer' | 'assigned' | 'assignedVoice',
    volunteerId: string,
    ref: string,
  ): Promise<void> {
    return this.tasks.recordMessage(id, field, volunteerId, ref);
  }
  decline(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.tasks.decline(r, volunteerId);
  }
  recordWellbeing(r: HelpRequest, volunteerId: string, worried: boolean): Promise<HelpRequest> {
    return this.tasks.recordWellbeing(r, volunteerId, worried);
  }
  tasksOf(volunteerId: string): Promise<HelpRequest[]> {
    return this.tasks.tasksOf(volunteerId);
  }
  forgetVolunteer(r: HelpRequest, volunteerId: string): Promise<HelpRequest | null> {
    return this.tasks.forgetVolunteer(r, volunteerId);
  }
  release(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.tasks.release(r, volunteerId);
  }
  markDone(r: HelpRequest, volunteerId: string, now: Date): Promise<HelpRequest> {
    return this.tasks.markDone(r, volunteerId, now);
  }
  reopen(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.tasks.reopen(r, volunteerId);
  }
}

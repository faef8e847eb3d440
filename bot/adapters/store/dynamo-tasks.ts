import type { HelpRequest } from '../../domain/request.js';
import { RequestChangedError } from '../../core/errors.js';
import { entity, keys, personPk, requestList, skPrefix } from './keys.js';
import { batchGetAll, batchWriteAll, queryAll } from './batch.js';
import { attr } from './table.js';
import { ifConditionFails } from './items.js';
import { RequestTable, requestFromItem } from './request-table.js';

/**
 * A volunteer's accept, made in the turn's commit: the request is hers, out of the zone's list
 * of open requests (GSI1), only while it is still open, offered to her and not declined by her.
 * First accept wins; a failed condition runs the turn again, which then finds it taken.
 */
export function acceptUpdate(table: string, requestId: string, volunteerId: string, at: Date) {
  return {
    TableName: table,
    Key: keys.request(requestId),
    UpdateExpression: 'SET assignedTo = :v, assignedAt = :at, #state = :assigned REMOVE #gpk, #gsk',
    ConditionExpression:
      '#state = :open AND contains(offeredTo, :v) AND (attribute_not_exists(excluded) OR NOT contains(excluded, :v))',
    ExpressionAttributeNames: { '#state': 'state', '#gpk': attr.gsi1pk, '#gsk': attr.gsi1sk },
    ExpressionAttributeValues: {
      ':v': volunteerId,
      ':at': at.toISOString(),
      ':open': 'open',
      ':assigned': 'assigned',
    },
  };
}

/**
 * The volunteers' side of a request: offers (recorded on the request, with a
 * `TASK#<request>` pointer in each volunteer's partition), accepting, declining,
 * the assigned task until it is done, and a leaving volunteer taken out.
 */
export class DynamoTasks extends RequestTable {
  /** A mediator's ask: the volunteer is offered this request, the round (wave, stage) left as it is. */
  async offerByHand(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    await this.pointTasks(r.id, [volunteerId]);
    return this.updateRequest(r, { set: [], add: ['offeredTo :vs'] }, '#state = :open', {
      ':vs': new Set([volunteerId]),
      ':open': 'open',
    });
  }

  async recordOffers(
    r: HelpRequest,
    volunteerIds: string[],
    wave: number,
    stage: number,
  ): Promise<HelpRequest> {
    await this.pointTasks(r.id, volunteerIds);
    const add = volunteerIds.length ? ['offeredTo :vs'] : [];
    return this.updateRequest(r, { set: ['wave = :wave', 'stage = :stage'], add }, '#state = :open', {
      ':wave': wave,
      ':stage': stage,
      ':open': 'open',
      ...(volunteerIds.length ? { ':vs': new Set(volunteerIds) } : {}),
    });
  }

  recordWellbeing(r: HelpRequest, volunteerId: string, worried: boolean): Promise<HelpRequest> {
    return this.updateRequest(
      r,
      { set: ['wellbeing = :w'] },
      'assignedTo = :v AND #state IN (:done, :closed) AND attribute_not_exists(wellbeing)',
      { ':w': worried ? 'worried' : 'well', ':v': volunteerId, ':done': 'done', ':closed': 'closed' },
    );
  }

  /** Pointers in each volunteer's partition, written before the offer so erasure always finds it. */
  private async pointTasks(requestId: string, volunteerIds: string[]): Promise<void> {
    await batchWriteAll(
      this.doc,
      this.table,
      volunteerIds.map((v) => ({
        PutRequest: { Item: { ...keys.taskRef(v, requestId), [attr.entity]: entity.taskRef } },
      })),
    );
  }

  async tasksOf(volunteerId: string): Promise<HelpRequest[]> {
    const refs = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': personPk(volunteerId), ':sk': skPrefix.taskRef },
    });
    const ids = refs.map((i) => (i.SK as string).slice(skPrefix.taskRef.length));
    const got = await batchGetAll(
      this.doc,
      this.table,
      ids.map((id) => keys.request(id)),
    );
    return got.map(requestFromItem).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Takes a volunteer who is leaving out of a request: their offer, their exclusion and their message
   * references go; if the task was theirs and not yet done, it is open again for a new round.
   * Returns the request as it was before, or null when it is gone.
   */
  async forgetVolunteer(r: HelpRequest, volunteerId: string): Promise<HelpRequest | null> {
    const theirs = r.assignedTo === volunteerId;
    const reopen = theirs && r.state === 'assigned';
    const values: Record<string, unknown> = { ':vs': new Set([volunteerId]) };
    const expression = {
      set: reopen ? ['offerMsgs = :none'] : [],
      // Reopened as a release does: earlier offers stop working, the new round offers afresh.
      remove: [
        ...(theirs ? ['assignedTo', 'assignedAt', 'assignedMsg', 'assignedVoiceMsg'] : []),
        ...(reopen ? ['offeredTo'] : []),
        ...(!reopen && r.offerMsgs?.[volunteerId] !== undefined ? ['offerMsgs.#v'] : []),
      ],
      delete: [...(reopen ? [] : ['offeredTo :vs']), 'excluded :vs'],
    };
    if (reopen) values[':none'] = {};
    const names: Record<string, string> = {};
    if (expression.remove.includes('offerMsgs.#v')) names['#v'] = volunteerId;
    if (reopen) {
      names['#state'] = 'state';
      names['#gpk'] = attr.gsi1pk;
      names['#gsk'] = attr.gsi1sk;
      expression.set.push('#state = :open', '#gpk = :gpk', '#gsk = :gsk');
      values[':open'] = 'open';
      values[':gpk'] = requestList.zone(r.zoneId);
      values[':gsk'] = requestList.sort('open', r.createdAt, r.id);
      values[':assigned'] = 'assigned';
      values[':v'] = volunteerId;
    }
    const parts = [
      expression.set.length ? `SET ${expression.set.join(', ')}` : '',
      expression.remove.length ? `REMOVE ${expression.remove.join(', ')}` : '',
      `DELETE ${expression.delete.join(', ')}`,
    ].filter(Boolean);
    const update = this.updateItem({
      Key: keys.request(r.id),
      UpdateExpression: parts.join(' '),
      ConditionExpression: reopen ? '#state = :assigned AND assignedTo = :v' : 'attribute_exists(PK)',
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    });
    await ifConditionFails(update, () => {
      throw new RequestChangedError(r.id);
    });
    return r;
  }

  async recordMessage(
    id: string,
    field: 'offer' | 'assigned' | 'assignedVoice',
    volunteerId: string,
    ref: string,
  ): Promise<void> {
    const set = { offer: 'offerMsgs.#v', assigned: 'assignedMsg', assignedVoice: 'assignedVoiceMsg' }[field];
    const update = this.updateItem({
      Key: keys.request(id),
      UpdateExpression: `SET ${set} = :ref`,
      ConditionExpression: field === 'offer' ? 'attribute_exists(offerMsgs)' : 'assignedTo = :vid',
      ExpressionAttributeNames: field === 'offer' ? { '#v': volunteerId } : undefined,
      ExpressionAttributeValues: field === 'offer' ? { ':ref': ref } : { ':ref': ref, ':vid': volunteerId },
    });
    // The request is gone (erased) or no longer this volunteer's: no message of theirs to keep on it.
    await ifConditionFails(update, () => undefined);
  }

  decline(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.updateRequest(r, { add: ['excluded :vs'] }, 'contains(offeredTo, :v)', {
      ':vs': new Set([volunteerId]),
      ':v': volunteerId,
    });
  }

  /** Returns the request as it was before (with the assignment message to strip). */
  release(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.updateRequest(
      r,
      // Earlier offers stop working; the new round offers afresh.
      {
        set: ['offerMsgs = :none'],
        remove: ['assignedTo', 'assignedAt', 'assignedMsg', 'assignedVoiceMsg', 'offeredTo'],
        add: ['excluded :vs'],
      },
      '#state = :assigned AND assignedTo = :v',
      { ':v': volunteerId, ':vs': new Set([volunteerId]), ':assigned': 'assigned', ':none': {} },
      'open',
      true,
    );
  }

  markDone(r: HelpRequest, volunteerId: string, now: Date): Promise<HelpRequest> {
    return this.updateRequest(
      r,
      { set: ['doneAt = :now'] },
      '#state = :assigned AND assignedTo = :v',
      { ':v': volunteerId, ':now': now.toISOString(), ':assigned': 'assigned' },
      'done',
    );
  }

  reopen(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.updateRequest(
      r,
      {
        set: ['offerMsgs = :none'],
        remove: ['assignedTo', 'assignedAt', 'assignedMsg', 'assignedVoiceMsg', 'offeredTo', 'doneAt'],
        add: ['excluded :vs'],
      },
      '#state = :done AND assignedTo = :v',
      { ':v': volunteerId, ':vs': new Set([volunteerId]), ':done': 'done', ':none': {} },
      'open',
      true,
    );
  }
}

import type { HelpRequest, RequestState } from '../../domain/request.js';
import { RequestChangedError } from '../../core/errors.js';
import { keys, requestList } from './keys.js';
import { attr } from './table.js';
import { fromItem, ifConditionFails } from './items.js';
import { TableAdapter } from './table-adapter.js';

const sets = ['offeredTo', 'excluded'] as const;

/** A request as the domain knows it: its string sets, absent while empty, as arrays. */
export function requestFromItem(item: Record<string, unknown>): HelpRequest {
  const out = fromItem<Record<string, unknown>>(item);
  for (const s of sets) out[s] ??= [];
  return out as unknown as HelpRequest;
}

/** Only the names an expression uses; undefined when it uses none. */
function usedNames(names: Record<string, string>, expression: string): Record<string, string> | undefined {
  const used = Object.entries(names).filter(([name]) => new RegExp(`${name}\\b`).test(expression));
  return used.length ? Object.fromEntries(used) : undefined;
}

/** What the request adapters share: the request item (`REQ#<id>`) and the conditional update that moves it. */
export abstract class RequestTable extends TableAdapter {
  /**
   * Updates the request under `condition`, moving its state when given; RequestChangedError if the
   * condition failed. Only open requests are listed on GSI1 (a zone's requests waiting for someone).
   */
  protected async updateRequest(
    r: Pick<HelpRequest, 'id'> & { createdAt?: string; zoneId?: string },
    expression: { set?: string[]; remove?: string[]; add?: string[] },
    condition: string,
    values: Record<string, unknown>,
    state?: RequestState,
    returnOld = false,
  ): Promise<HelpRequest> {
    const set = [...(expression.set ?? [])];
    const remove = [...(expression.remove ?? [])];
    const names: Record<string, string> = { '#state': 'state' };
    if (expression.set?.some((s) => s.includes('#ttl'))) names['#ttl'] = attr.ttl;
    if (state) {
      set.push('#state = :newState');
      values[':newState'] = state;
      names['#gpk'] = attr.gsi1pk;
      names['#gsk'] = attr.gsi1sk;
      if (state === 'open' && r.createdAt && r.zoneId) {
        set.push('#gpk = :gpk', '#gsk = :gsk');
        values[':gpk'] = requestList.zone(r.zoneId);
        values[':gsk'] = requestList.sort(state, r.createdAt, r.id);
      } else {
        remove.push('#gpk', '#gsk');
      }
    }
    const parts = [
      set.length ? `SET ${set.join(', ')}` : '',
      remove.length ? `REMOVE ${remove.join(', ')}` : '',
      expression.add?.length ? `ADD ${expression.add.join(', ')}` : '',
    ].filter(Boolean);
    const updateExpression = parts.join(' ');
    const update = this.updateItem({
      Key: keys.request(r.id),
      UpdateExpression: updateExpression,
      ConditionExpression: condition,
      // DynamoDB refuses a name that neither expression uses (decline's condition has no #state).
      ExpressionAttributeNames: usedNames(names, `${updateExpression} ${condition}`),
      ExpressionAttributeValues: values,
      ReturnValues: returnOld ? 'ALL_OLD' : 'ALL_NEW',
    });
    const got = await ifConditionFails(update, () => {
      throw new RequestChangedError(r.id);
    });
    return requestFromItem(got ?? {});
  }
}

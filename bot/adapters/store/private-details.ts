import type { PrivateDetails } from '../../domain/person.js';
import { entity, keys } from './keys.js';
import { attr } from './table.js';

/** One private detail written (or removed, when `value` is undefined) without reading or rewriting the other. */
export function privateFieldUpdate(personId: string, field: keyof PrivateDetails, value: string | undefined) {
  return {
    Key: keys.private(personId),
    UpdateExpression:
      value === undefined ? 'SET #entity = :entity REMOVE #f' : 'SET #entity = :entity, #f = :v',
    ExpressionAttributeNames: { '#entity': attr.entity, '#f': field },
    ExpressionAttributeValues: {
      ':entity': entity.private,
      ...(value === undefined ? {} : { ':v': value }),
    },
  };
}

/**
 * A targeted update of one item: only the attributes (and the attributes of
 * nested maps) that differ between the item as read and as the turn leaves it.
 * A concurrent writer's change to any other attribute survives.
 */

export interface Change {
  path: string[];
  /** The new value; absent to remove the attribute. */
  value?: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => same(a[k], b[k]));
  }
  return false;
}

/** What changed from `before` to `after`: maps present on both sides are compared key by key. */
export function changes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  path: string[] = [],
): Change[] {
  const out: Change[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [was, now] = [before[key], after[key]];
    if (same(was, now)) continue;
    if (now === undefined) out.push({ path: [...path, key] });
    else if (isMap(was) && isMap(now)) out.push(...changes(was, now, [...path, key]));
    else out.push({ path: [...path, key], value: now });
  }
  return out;
}

export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * The expression for a list of changes. `names` may already hold names the
 * condition uses; every name and value added here is used by the expression
 * (DynamoDB refuses unused ones).
 */
export function updateExpression(list: Change[], names: Record<string, string> = {}): UpdateParts {
  const allNames = { ...names };
  const values: Record<string, unknown> = {};
  const nameOf = new Map(Object.entries(allNames).map(([k, v]) => [v, k]));
  const ref = (path: string[]) =>
    path
      .map((part) => {
        let name = nameOf.get(part);
        if (!name) {
          name = `#p${nameOf.size}`;
          nameOf.set(part, name);
          allNames[name] = part;
        }
        return name;
      })
      .join('.');
  const sets: string[] = [];
  const removes: string[] = [];
  for (const c of list) {
    if (c.value === undefined) removes.push(ref(c.path));
    else {
      const value = `:v${Object.keys(values).length}`;
      values[value] = c.value;
      sets.push(`${ref(c.path)} = ${value}`);
    }
  }
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: allNames,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

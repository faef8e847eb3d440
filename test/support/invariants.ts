/**
 * The rules that never bend, checked after every end-to-end scenario (see
 * `invariants-setup.ts`): the whole table and every call the fake Bot API and
 * the fake Graph API recorded are scanned, and each broken rule is named.
 *
 * (a) An elder's name, address or phone in a call to a volunteer who is not
 *     (and was not) the assignee of a request of that elder.
 * (b) An item (held and kept messages included) naming an erased person's id,
 *     chat id, number, name or phone.
 * (c) An item without a TTL that the retention rules say must have one.
 */
import type { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';

type Item = Record<string, unknown>;

/** What a world shows the checker. */
export interface Watched {
  scan(): Promise<Item[]>;
  /** Every outgoing call: who it went to (channel and chat id or number) and all it carried. */
  outgoing(): { channel: 'telegram' | 'whatsapp'; to: string; body: string }[];
  readonly store: DynamoStore;
}

/** What was known of a person when they were erased. */
interface Erased {
  id: string;
  name?: string;
  phone?: string;
  address?: string;
  chats: string[];
}

interface Memory {
  erased: Erased[];
  /** Elders seen at any check: id → what identifies them. */
  elders: Map<string, { name?: string; address?: string; phone?: string }>;
  /** "telegram:123" / "whatsapp:39333…" → person id and role, as last seen. */
  chats: Map<string, { personId: string; role?: string }>;
  /** volunteer id → elder ids whose request they were (or are) assigned. */
  assigned: Map<string, Set<string>>;
}

const watched = new Map<Watched, Memory>();

/** Starts checking a world after every test; records what erasure removes, to look for it afterwards. */
export function watch(world: Watched): void {
  const memory: Memory = { erased: [], elders: new Map(), chats: new Map(), assigned: new Map() };
  watched.set(world, memory);
  const store = world.store;
  const erase = store.erasePerson.bind(store);
  store.erasePerson = async (personId: string) => {
    const person = await store.getPerson(personId);
    const details = await store.getPrivate(personId);
    memory.erased.push({
      id: personId,
      ...(person?.name ? { name: person.name } : {}),
      ...(details.phone ? { phone: details.phone } : {}),
      ...(details.address ? { address: details.address } : {}),
      chats: (person?.channels ?? []).map((c) => c.id),
    });
    if (person?.role === 'elder')
      memory.elders.set(personId, {
        ...(person.name ? { name: person.name } : {}),
        ...(details.address ? { address: details.address } : {}),
        ...(details.phone ? { phone: details.phone } : {}),
      });
    return erase(personId);
  };
}

export function unwatch(world: Watched): void {
  watched.delete(world);
}

/** Every open world's broken rules (empty when all hold). */
export async function checkAll(): Promise<string[]> {
  const out: string[] = [];
  for (const [world, memory] of watched) out.push(...(await check(world, memory)));
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `needle` standing alone: not inside a longer word or number. */
const mentions = (haystack: string, needle: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(needle)}(?![\\p{L}\\p{N}])`, 'u').test(haystack);

/**
 * Whether a stored item must carry a TTL by the retention rules (PRODUCT.md, Retention).
 * `strangers`: ids of people who have not finished onboarding (their identities expire with them).
 */
export function needsTtl(item: Item, strangers: ReadonlySet<string> = new Set()): string | null {
  switch (item.entity) {
    case 'person':
      return item.onboardedAt ? null : 'people who never finish onboarding expire after 30 days';
    case 'identity':
      return strangers.has(item.personId as string)
        ? "a never-onboarded person's identity expires with them"
        : null;
    case 'turn':
      return 'turn records expire';
    case 'alert':
      return item.state === 'resolved' ? 'resolved alerts leave after the retention period' : null;
    case 'flow':
      return 'flow state expires after 7 days';
    case 'processed':
      return 'processed-update markers expire';
    case 'held':
      return 'held messages expire after 7 days';
    case 'invite':
    case 'inviteRef':
      return 'invites expire';
    case 'checkIn':
      return 'check-ins expire';
    case 'delivery':
      return 'delivery records expire (kept ones too, after 7 days)';
    case 'request':
      return ['closed', 'cancelled'].includes(item.state as string)
        ? 'closed requests leave after the retention period'
        : null;
    default:
      return null;
  }
}

async function check(world: Watched, memory: Memory): Promise<string[]> {
  const items = await world.scan();
  const problems: string[] = [];
  const people = items.filter((i) => i.entity === 'person');
  for (const p of people) {
    for (const c of (p.channels as { channel: string; id: string }[] | undefined) ?? [])
      memory.chats.set(`${c.channel}:${c.id}`, { personId: p.id as string, role: p.role as string });
  }
  for (const i of items.filter((i) => i.entity === 'identity')) {
    const [, channel, id] = (i.PK as string).split('#');
    const known = memory.chats.get(`${channel}:${id}`);
    if (!known) memory.chats.set(`${channel}:${id}`, { personId: i.personId as string });
  }
  const roles = new Map(people.map((p) => [p.id as string, p.role as string]));
  for (const known of memory.chats.values()) known.role = roles.get(known.personId) ?? known.role;
  for (const p of people.filter((p) => p.role === 'elder')) {
    const details = items.find((i) => i.PK === p.PK && i.SK === 'PRIVATE');
    memory.elders.set(p.id as string, {
      ...(p.name ? { name: p.name as string } : {}),
      ...(details?.address ? { address: details.address as string } : {}),
      ...(details?.phone ? { phone: details.phone as string } : {}),
    });
  }
  for (const r of items.filter((i) => i.entity === 'request')) {
    // Who was assigned and released is excluded: they held the card while it was theirs.
    for (const v of [r.assignedTo, ...((r.excluded as string[] | undefined) ?? [])]) {
      if (typeof v !== 'string') continue;
      const set = memory.assigned.get(v) ?? new Set<string>();
      set.add(r.elderId as string);
      memory.assigned.set(v, set);
    }
  }

  // (a) elders' details only to their assignee.
  const volunteerNames = new Set(people.filter((p) => p.role === 'volunteer').map((p) => p.name as string));
  for (const call of world.outgoing()) {
    const to = memory.chats.get(`${call.channel}:${call.to}`);
    if (!to || to.role !== 'volunteer') continue;
    for (const [elderId, elder] of memory.elders) {
      if (memory.assigned.get(to.personId)?.has(elderId)) continue;
      const leaked = (
        [
          ['address', elder.address],
          ['phone', elder.phone],
          ['name', elder.name && !volunteerNames.has(elder.name) ? elder.name : undefined],
        ] as const
      ).filter(([, v]) => v && mentions(call.body, v));
      for (const [what] of leaked)
        problems.push(
          `(a) elder ${elderId}'s ${what} sent to volunteer ${to.personId}, not assigned: ${call.body.slice(0, 200)}`,
        );
    }
  }

  // (b) nothing left of an erased person.
  // What a living person also has (the same human back after erasure, a shared test phone) proves nothing.
  const living = new Set<string>();
  for (const p of people) {
    living.add(p.name as string);
    for (const c of (p.channels as { id: string }[] | undefined) ?? []) living.add(c.id);
  }
  for (const i of items.filter((i) => i.entity === 'private')) {
    if (i.phone) living.add(i.phone as string);
    if (i.address) living.add(i.address as string);
  }
  for (const gone of memory.erased) {
    const marks = [gone.id, ...gone.chats, gone.phone, gone.address, gone.name].filter(
      (m): m is string => !!m && m.length >= 3 && !living.has(m),
    );
    for (const item of items) {
      const text = JSON.stringify(item);
      const found = marks.filter((m) => mentions(text, m));
      if (found.length)
        problems.push(
          `(b) ${String(item.entity)} ${String(item.PK)}/${String(item.SK)} names erased ${gone.id}: ${found.join(', ')}`,
        );
    }
  }

  // (c) retention.
  const strangers = new Set(people.filter((p) => !p.onboardedAt).map((p) => p.id as string));
  for (const item of items) {
    const rule = needsTtl(item, strangers);
    if (rule && typeof item.ttl !== 'number')
      problems.push(`(c) ${String(item.entity)} ${String(item.PK)}/${String(item.SK)} has no TTL: ${rule}`);
  }
  return problems;
}

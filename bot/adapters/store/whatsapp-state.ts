import { createHash } from 'node:crypto';
import type { WhatsAppContact, WhatsAppState } from '../../core/whatsapp-state.js';
import type { OutboundMessage } from '../../core/outbound.js';
import { conditionHeld, epoch, expired } from './items.js';
import { entity, keys, personPk, skPrefix, type Key } from './keys.js';
import { attr } from './table.js';
import { TableAdapter } from './table-adapter.js';

/** Held messages older than this are dropped: by then they are news nobody needs. */
const heldTtlSeconds = 7 * 24 * 3600;

const identity = (number: string) => keys.identity({ channel: 'whatsapp', id: number });

/**
 * The WhatsApp channel's state on the one table: window, numbered menu and
 * nudge time as attributes of the number's identity item (`CH#whatsapp#<n>`,
 * erased with the person), held messages in the person's partition
 * (`P#<id>` / `HELD#<time>#<hash>`, erased with the person, TTL 7 days).
 */
export class DynamoWhatsAppState extends TableAdapter implements WhatsAppState {
  async contact(number: string): Promise<WhatsAppContact | null> {
    const item = await this.getItem(identity(number));
    if (!item) return null;
    const { lastInboundAt, menu, nudgedAt } = item as WhatsAppContact;
    return { lastInboundAt, menu, nudgedAt };
  }

  async recordInbound(number: string, at: Date): Promise<void> {
    await this.update(
      number,
      'SET lastInboundAt = :at',
      { ':at': at.toISOString() },
      'AND (attribute_not_exists(lastInboundAt) OR lastInboundAt < :at)',
    );
  }

  async closeWindow(number: string): Promise<void> {
    await this.update(number, 'REMOVE lastInboundAt', {});
  }

  async setMenu(number: string, menu: string[]): Promise<void> {
    await this.update(number, 'SET menu = :menu', { ':menu': menu });
  }

  async claimNudge(number: string, at: Date): Promise<boolean> {
    return this.update(
      number,
      'SET nudgedAt = :at',
      { ':at': at.toISOString() },
      'AND (attribute_not_exists(nudgedAt) OR attribute_not_exists(lastInboundAt) OR nudgedAt < lastInboundAt)',
    );
  }

  async hold(message: OutboundMessage, at: Date): Promise<void> {
    const hash = createHash('sha256').update(message.id).digest('base64url').slice(0, 22);
    await this.putItem({
      ...keys.held(message.personId, at.toISOString(), hash),
      [attr.entity]: entity.held,
      message,
      [attr.ttl]: epoch(at) + heldTtlSeconds,
    });
  }

  async takeHeld(personId: string, now: Date): Promise<OutboundMessage[]> {
    const held = await this.queryPrefix(personPk(personId), skPrefix.held, { consistent: true });
    const taken: OutboundMessage[] = [];
    for (const item of held) {
      // Conditional, so two webhooks at once hand each message to one of them.
      const key: Key = { PK: item.PK as string, SK: item.SK as string };
      const mine = await conditionHeld(this.deleteItem(key, { ConditionExpression: 'attribute_exists(PK)' }));
      if (mine && !expired(item, now)) taken.push(item.message as OutboundMessage);
    }
    return taken;
  }

  /** An update of the number's identity item; false when the identity is gone or `condition` failed. */
  private update(number: string, expression: string, values: Record<string, unknown>, condition = '') {
    const update = this.updateItem({
      Key: identity(number),
      UpdateExpression: expression,
      ConditionExpression: `attribute_exists(PK) ${condition}`.trim(),
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    });
    return conditionHeld(update);
  }
}

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Invite } from '../../domain/invite.js';
import type { RelativeLink } from '../../core/ports.js';
import { InviteCodeTakenError, InviteUnavailableError, LinkUnavailableError } from '../../core/errors.js';
import { entity, keys, personPk, skPrefix, type Key } from './keys.js';
import { attr } from './table.js';
import { fromItem, ifConditionFails } from './items.js';
import { deleteKeys, queryPartition } from './person-data.js';
import { TableAdapter } from './table-adapter.js';

/**
 * Invites (`INV#<code>`, single use, with a pointer in the inviting elder's
 * partition) and the relative links they lead to, kept on both sides
 * (`REL#<relative>` in the elder's partition, `ELDER#<elder>` in the relative's).
 */
export class DynamoInvitesLinks extends TableAdapter {
  /** InviteCodeTakenError if an invite with this code exists (the code generator repeated itself). */
  async createInvite(invite: Invite, once?: string): Promise<Invite> {
    const ttl = Math.floor(Date.parse(invite.expiresAt) / 1000) + 24 * 3600;
    const puts: Record<string, unknown>[] = [
      { ...keys.invite(invite.code), [attr.entity]: entity.invite, [attr.ttl]: ttl, ...invite },
    ];
    if (invite.elderId) {
      puts.push({
        ...keys.inviteRef(invite.elderId, invite.code),
        [attr.entity]: entity.inviteRef,
        [attr.ttl]: ttl,
      });
    }
    // The update that made it: its re-run (after a fault) finds this invite instead of making another.
    const marker = once ? keys.inviteOnce(invite.elderId, once) : undefined;
    if (marker)
      puts.push({ ...marker, [attr.entity]: entity.inviteOnce, [attr.ttl]: ttl, code: invite.code });
    const write = this.putAllNew(puts);
    let taken = false;
    await ifConditionFails(write, () => {
      taken = true;
    });
    if (!taken) return invite;
    const made = marker ? await this.getItem(marker, true) : undefined;
    const earlier = made ? await this.getInvite(String(made.code)) : null;
    if (!earlier) throw new InviteCodeTakenError();
    return earlier;
  }

  async getInvite(code: string): Promise<Invite | null> {
    const item = await this.getItem(keys.invite(code));
    return item ? fromItem<Invite>(item) : null;
  }

  async claimInvite(code: string, kind: Invite['kind'], now: Date): Promise<Invite> {
    const update = this.updateItem({
      Key: keys.invite(code),
      // Who used it is not kept: the invite must not outlive the person's erasure.
      UpdateExpression: 'SET usedAt = :now',
      ConditionExpression:
        'attribute_exists(PK) AND attribute_not_exists(usedAt) AND kind = :kind AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':kind': kind },
      ReturnValues: 'ALL_NEW',
    });
    const claimed = await ifConditionFails(update, () => {
      throw new InviteUnavailableError();
    });
    return fromItem<Invite>(claimed ?? {});
  }

  async putLink(link: RelativeLink): Promise<void> {
    const put = (key: Key, tag: string) => ({
      Put: { TableName: this.table, Item: { ...key, [attr.entity]: tag, ...link } },
    });
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          put(keys.relativeLink(link.elderId, link.relativeId), entity.relativeLink),
          put(keys.elderLink(link.relativeId, link.elderId), entity.elderLink),
        ],
      }),
    );
  }

  async getLink(elderId: string, relativeId: string): Promise<RelativeLink | null> {
    const item = await this.getItem(keys.relativeLink(elderId, relativeId));
    return item ? fromItem<RelativeLink>(item) : null;
  }

  async confirmLink(elderId: string, relativeId: string, at: Date): Promise<void> {
    const update = (Key: Key) => ({
      Update: {
        TableName: this.table,
        Key,
        UpdateExpression: 'SET #status = :confirmed, confirmedAt = :at',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':confirmed': 'confirmed',
          ':pending': 'pending',
          ':at': at.toISOString(),
        },
      },
    });
    const write = this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          update(keys.relativeLink(elderId, relativeId)),
          update(keys.elderLink(relativeId, elderId)),
        ],
      }),
    );
    await ifConditionFails(write, () => {
      throw new LinkUnavailableError();
    });
  }

  async deleteLink(elderId: string, relativeId: string): Promise<void> {
    await deleteKeys(this.doc, this.table, [
      keys.relativeLink(elderId, relativeId),
      keys.elderLink(relativeId, elderId),
    ]);
  }

  async listRelatives(elderId: string): Promise<RelativeLink[]> {
    const items = await queryPartition(this.doc, this.table, personPk(elderId), skPrefix.relative);
    return items.map((i) => fromItem<RelativeLink>(i));
  }

  async listElders(relativeId: string): Promise<RelativeLink[]> {
    const items = await queryPartition(this.doc, this.table, personPk(relativeId), skPrefix.elder);
    return items.map((i) => fromItem<RelativeLink>(i));
  }
}

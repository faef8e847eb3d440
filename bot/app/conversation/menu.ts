import type { Person } from '../../domain/person.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Reply } from '../../flows/types.js';

/** What a person sees when they come back: their role's commands and, for an elder, the two big buttons. */
export function mainMenu(person: Person): Reply[] {
  switch (person.role) {
    case 'elder':
      return [
        reply('menu.elder', undefined, { keyboard: 'elder' }),
        reply('menu.elderInvite', undefined, {
          buttons: [
            [{ label: 'buttons.askVolunteer', data: actionData('rq') }],
            [{ label: 'buttons.inviteRelative', data: actionData('inv') }],
          ],
        }),
      ];
    case 'relative':
    case 'volunteer':
    case 'mediator':
      return [reply(`menu.${person.role}`, undefined, { keyboard: 'remove' })];
    default:
      return [];
  }
}

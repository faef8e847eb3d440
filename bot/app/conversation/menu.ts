import type { Person } from '../../domain/person.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Reply } from '../../flows/types.js';

/**
 * What a person sees when they come back: their role's commands and, for an elder, the two big
 * buttons. A greeting (or what the turn just said) goes in the menu's first message, as one
 * thought: a chat keeps one keyboard per message, so an elder still gets two (her big reply
 * keyboard, then the inline "ask a volunteer / invite" buttons) and everyone else one.
 */
export function mainMenu(person: Person, greeting?: Reply): Reply[] {
  const menu = roleMenu(person);
  const [first, ...rest] = menu;
  if (!greeting) return menu;
  if (!first || greeting.buttons || greeting.toast || greeting.edit) return [greeting, ...menu];
  const text = (r: Reply) => ({ t: r.text, ...(r.params ? { params: r.params } : {}) });
  return [
    { ...first, text: 'common.paragraphs', params: { first: text(greeting), then: text(first) } },
    ...rest,
  ];
}

function roleMenu(person: Person): Reply[] {
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

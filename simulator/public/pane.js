/* global document */
// One pane: a phone-like Telegram chat with its header menu, messages, reply
// keyboard and composer. `actions` are the page's: act, openLink, shareLocation, askPerson.
import { chatItems, h, replyKeyboard } from './render.js';

function menuButton(label, onclick) {
  return h(
    'button',
    {
      type: 'button',
      onclick: (event) => {
        event.target.closest('details').open = false;
        onclick();
      },
    },
    label,
  );
}

export function buildPane(pane, { act, openLink, shareLocation, askPerson }) {
  const id = pane.id;
  const titleId = `pane-${id}-title`;
  const inputId = `pane-${id}-input`;
  const zoneSelectId = `pane-${id}-zone`;
  const el = {};
  const ctx = {
    onPress: (messageId, data) => act(id, 'press', { messageId, data }),
    onLink: openLink,
    onLocation: () => shareLocation(id),
    onContact: () => act(id, 'contact'),
    onText: (text) => act(id, 'text', { text }),
  };
  el.ctx = ctx;
  el.avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  el.name = h('h2', { id: titleId });
  el.part = h('p', { class: 'part' });
  el.zone = h('select', { id: zoneSelectId });
  el.remove = menuButton('Remove this pane', () => act(id, 'remove'));
  const menu = h(
    'details',
    { class: 'menu pane-menu' },
    h('summary', { title: 'Pane options', 'aria-label': 'Pane options' }, '⋮'),
    h(
      'div',
      { class: 'menu-items' },
      menuButton('New person in this pane…', async () => {
        const person = await askPerson('A new person in this pane');
        if (person?.name) await act(id, 'new-person', person);
      }),
      h('label', { for: zoneSelectId }, 'Mediator invite for zone'),
      el.zone,
      menuButton('Open a mediator invite', () => act(id, 'mediator-invite', { zoneId: el.zone.value })),
      el.remove,
    ),
  );
  el.list = h('ol', { class: 'chat', tabindex: '0', 'aria-label': 'Messages' });
  el.start = h(
    'div',
    { class: 'start' },
    h('button', { type: 'button', class: 'start-button', onclick: () => ctx.onText('/start') }, 'START'),
  );
  el.keyboard = h('div', { class: 'reply-keyboard', role: 'group', 'aria-label': 'Reply keyboard' });
  el.commandItems = h('div', { class: 'menu-items' });
  const commands = h(
    'details',
    { class: 'menu commands' },
    h('summary', { title: 'Commands', 'aria-label': 'Commands' }, '/'),
    el.commandItems,
  );
  const attach = h(
    'details',
    { class: 'menu attach' },
    h('summary', { title: 'Attach', 'aria-label': 'Attach' }, '📎'),
    h(
      'div',
      { class: 'menu-items' },
      menuButton('📍 Location…', () => ctx.onLocation()),
      menuButton('📞 My phone number', () => ctx.onContact()),
      menuButton('🎤 Voice message (5 s)', () => act(id, 'voice', { seconds: 5 })),
    ),
  );
  el.input = h('input', { id: inputId, autocomplete: 'off', placeholder: 'Message', maxlength: 4096 });
  // Like Telegram's keyboard button: shows or hides the bot's reply keyboard.
  el.keyboardToggle = h(
    'button',
    {
      type: 'button',
      class: 'keyboard-toggle',
      title: 'Reply keyboard',
      'aria-label': 'Reply keyboard',
      onclick: () => {
        el.keyboardOpen = !el.keyboardOpen;
        showKeyboard(el);
      },
    },
    '⌨',
  );
  const form = h(
    'form',
    {
      class: 'composer',
      onsubmit: (event) => {
        event.preventDefault();
        const text = el.input.value.trim();
        if (!text) return;
        el.input.value = '';
        void ctx.onText(text);
      },
    },
    commands,
    attach,
    h('label', { for: inputId, class: 'sr-only' }, 'Message'),
    el.input,
    el.keyboardToggle,
    h('button', { type: 'submit', class: 'send' }, 'Send'),
  );
  el.root = h(
    'section',
    { class: 'pane', id: `pane-${id}`, 'aria-labelledby': titleId },
    h('header', { class: 'pane-head' }, el.avatar, h('div', { class: 'who' }, el.name, el.part), menu),
    el.list,
    el.start,
    el.keyboard,
    form,
  );
  return el;
}

export function updatePane(el, pane, state) {
  const name = [pane.user.first_name, pane.user.last_name].filter(Boolean).join(' ');
  el.avatar.textContent = name
    .split(' ')
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  el.avatar.dataset.part = pane.part;
  el.name.textContent = name;
  el.part.textContent = `${pane.part} · Telegram user ${pane.user.id}`;
  el.remove.hidden = pane.demo;
  if (el.zone.options.length !== state.zones.length) {
    el.zone.replaceChildren(...state.zones.map((z) => h('option', { value: z.id }, z.name)));
  }
  const commands = JSON.stringify(pane.commands);
  if (commands !== el.commands) {
    el.commands = commands;
    el.commandItems.replaceChildren(
      ...pane.commands.map((c) =>
        menuButton(
          [h('strong', {}, `/${c.command}`), h('span', { class: 'description' }, ` — ${c.description}`)],
          () => el.ctx.onText(`/${c.command}`),
        ),
      ),
    );
  }
  const signature = JSON.stringify([pane.user.id, pane.messages, pane.keyboard, pane.keyboardHidden]);
  if (signature === el.signature) return;
  const grew = pane.messages.length !== el.count || pane.user.id !== el.userId;
  el.signature = signature;
  el.count = pane.messages.length;
  el.userId = pane.user.id;

  const active = document.activeElement;
  const hadFocus = el.list.contains(active) || el.keyboard.contains(active) || el.start.contains(active);
  const focusKey = hadFocus ? active.dataset.focusKey : undefined;
  const ctx = { ...el.ctx, timeZone: state.timeZone };
  el.list.replaceChildren(...chatItems(pane.messages, ctx));
  el.keyboard.replaceChildren(...replyKeyboard(pane.keyboard, ctx));
  el.hasKeyboard = Boolean(pane.keyboard);
  el.keyboardOpen = !pane.keyboardHidden;
  showKeyboard(el);
  el.start.hidden = pane.messages.length > 0;
  if (grew) el.list.scrollTop = el.list.scrollHeight;
  if (hadFocus) restoreFocus(el, focusKey, grew);
}

function showKeyboard(el) {
  el.keyboardToggle.hidden = !el.hasKeyboard;
  el.keyboardToggle.setAttribute('aria-pressed', String(el.keyboardOpen));
  el.keyboard.hidden = !el.keyboardOpen;
}

/** Keyboard users keep their place: the same button, or the newest message's first one. */
function restoreFocus(el, focusKey, grew) {
  const same = focusKey && el.root.querySelector(`[data-focus-key="${focusKey}"]`);
  const newest = [...el.list.querySelectorAll('.message')]
    .slice(-2)
    .reverse()
    .find((m) => m.querySelector('button'));
  const target =
    (grew && newest?.querySelector('button')) || same || el.keyboard.querySelector('button') || el.list;
  target.focus({ preventScroll: false });
}

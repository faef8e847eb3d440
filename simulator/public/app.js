/* global document, window, fetch, EventSource, setTimeout, clearTimeout, setInterval */
// The simulator page: one pane per person, the clock, and the actions that
// the server turns into Telegram updates for the bot.
import { createLocationPicker } from './map.js';
import { buildPane, updatePane } from './pane.js';
import { h } from './render.js';

const $ = (selector) => document.querySelector(selector);
const panesEl = $('#panes');
const panes = new Map(); // pane id → its elements and what they show
let state = null;
let fetchedAt = 0;
const locationPicker = createLocationPicker($('#location-dialog'));

// ------------------------------------------------------------------ server

async function post(path, body = {}) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error ?? `The simulator answered ${res.status}`);
  return answer;
}

function act(paneId, action, body) {
  return post(`/sim/panes/${paneId}/${action}`, body).catch(showError);
}

let loading = false;
let again = false;
async function refresh() {
  if (loading) return void (again = true);
  loading = true;
  try {
    const res = await fetch('/sim/state', { cache: 'no-store' });
    state = await res.json();
    fetchedAt = Date.now();
    render();
  } catch (err) {
    showError(err);
  } finally {
    loading = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function listen() {
  const events = new EventSource('/sim/events');
  let warned = false;
  events.addEventListener('changed', () => {
    warned = false;
    void refresh();
  });
  events.addEventListener('error', () => {
    if (!warned) showError(new Error('Lost the simulator: is `npm start` still running? Retrying…'));
    warned = true;
  });
}

function showError(err) {
  const toast = $('#toast');
  toast.textContent = err instanceof Error ? err.message : String(err);
  toast.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => (toast.hidden = true), 6000);
}

// ------------------------------------------------------------------- clock

function simNow() {
  return new Date(Date.parse(state.now) + (Date.now() - fetchedAt));
}

function formatInstant(date, options) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: state.timeZone, ...options }).format(date);
}

function showClock() {
  if (!state) return;
  const now = simNow();
  const el = $('#now');
  el.dateTime = now.toISOString();
  el.textContent = formatInstant(now, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  $('#time-zone').textContent = `(${state.timeZone})`;
  const input = $('#jump-to');
  if (!input.dataset.edited && document.activeElement !== input) input.value = state.localNow;
}

const STEP_LABELS = {
  prompt: 'daily question',
  reminder: 'reminder',
  relatives: 'relatives told',
  zoneMediator: 'mediator alerted',
  escalate: 'alert escalated to every mediator',
  wave: 'wave of offers ends',
  tick: 'tick',
};

function describe(steps) {
  const short = { weekday: 'short', hour: '2-digit', minute: '2-digit' };
  const done = steps.map(
    (s) => `${formatInstant(new Date(s.at), short)} ${STEP_LABELS[s.rung ?? s.kind] ?? s.kind}`,
  );
  return done.length ? `Ticked at ${done.join(' · ')}.` : 'Nothing was due on the way.';
}

async function jump(body) {
  const buttons = document.querySelectorAll('.clock button');
  buttons.forEach((b) => (b.disabled = true));
  $('#clock-log').textContent = 'Running the clock…';
  try {
    const { steps } = await post('/sim/clock', body);
    delete $('#jump-to').dataset.edited;
    await refresh();
    $('#clock-log').textContent = describe(steps);
  } catch (err) {
    $('#clock-log').textContent = '';
    showError(err);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

for (const button of document.querySelectorAll('[data-minutes]')) {
  button.addEventListener('click', () => jump({ minutes: Number(button.dataset.minutes) }));
}
$('#next-event').addEventListener('click', () => jump({ next: true }));
$('#jump-to').addEventListener('input', (e) => (e.target.dataset.edited = 'yes'));
$('#jump-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void jump({ to: $('#jump-to').value });
});

// ------------------------------------------------------------ dialogs

function ask(dialog, read) {
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? read() : null), {
      once: true,
    });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

function askPerson(title) {
  $('#person-title').textContent = title;
  $('#person-name').value = '';
  return ask($('#person-dialog'), () => ({
    name: $('#person-name').value.trim(),
    lang: $('#person-lang').value,
  }));
}

/** A t.me link to this bot opens the chat with `/start <payload>`, in the pane the person picks. */
async function openLink(url) {
  const deepLink = new RegExp(`^https://t\\.me/${state.bot}(?:\\?start=([\\w-]+))?$`, 'i').exec(url);
  if (!deepLink) return void window.open(url, '_blank', 'noopener');
  const dialog = $('#link-dialog');
  $('#link-text').textContent = url;
  $('#link-panes').replaceChildren(
    ...state.panes.map((pane) => h('button', { value: pane.id }, `${pane.user.first_name} (${pane.part})`)),
  );
  dialog.returnValue = '';
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  const pane = state.panes.find((p) => p.id === dialog.returnValue);
  if (pane) await act(pane.id, 'text', { text: deepLink[1] ? `/start ${deepLink[1]}` : '/start' });
}

async function shareLocation(paneId) {
  const point = await locationPicker.pick(state.zones);
  if (point) await act(paneId, 'location', point);
}

function render() {
  showClock();
  const seen = new Set();
  state.panes.forEach((pane, i) => {
    seen.add(pane.id);
    let el = panes.get(pane.id);
    if (!el) {
      el = buildPane(pane, { act, openLink, shareLocation, askPerson });
      panes.set(pane.id, el);
    }
    if (panesEl.children[i] !== el.root) panesEl.insertBefore(el.root, panesEl.children[i] ?? null);
    updatePane(el, pane, state);
  });
  for (const [id, el] of panes) {
    if (seen.has(id)) continue;
    el.root.remove();
    panes.delete(id);
  }
  $('#pane-links').replaceChildren(
    ...state.panes.map((pane) =>
      h(
        'li',
        {},
        h('a', { href: `#pane-${pane.id}` }, `${pane.user.first_name}`, h('span', {}, ` · ${pane.part}`)),
      ),
    ),
  );
}

$('#add-person').addEventListener('click', async () => {
  const person = await askPerson('A new person');
  if (!person?.name) return;
  try {
    const pane = await post('/sim/panes', person);
    await refresh();
    const el = panes.get(pane.id);
    el?.root.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    el?.start.querySelector('button')?.focus({ preventScroll: true });
  } catch (err) {
    showError(err);
  }
});

$('#reset-demo').addEventListener('click', async () => {
  if (
    !window.confirm(
      'Reset the demo? Every chat and everything the bot stored goes; the clock goes back to now.',
    )
  )
    return;
  $('#clock-log').textContent = 'Resetting the demo…';
  await post('/sim/reset').catch(showError);
  $('#clock-log').textContent = 'The demo is as new.';
});

// Escape closes an open menu (dialogs close by themselves) and gives focus back to its button.
document.addEventListener('keydown', (event) => {
  const menu = event.key === 'Escape' && document.activeElement?.closest('details[open]');
  if (!menu) return;
  menu.open = false;
  menu.querySelector('summary')?.focus();
});

setInterval(showClock, 1000);
await refresh();
listen();

/** Lists a mediator pages through (/today, /elders, /volunteers): pages, their line and their buttons. */
import type { Verb } from '../../flows/button-data.js';
import { actionData } from '../../flows/button-data.js';
import type { Button, Param } from '../../flows/types.js';

/** A page turned from a button: the page number it carries, anything else is page 1. */
export function pageNumber(id: string): number {
  return /^[1-9]\d{0,3}$/.test(id) ? Number(id) : 1;
}

export function pageOf<T>(
  items: T[],
  page: number,
  size: number,
): { shown: T[]; current: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  // A list that shrank since the button was drawn shows its last page.
  const current = Math.min(Math.max(1, page), pages);
  return { shown: items.slice((current - 1) * size, current * size), current, pages };
}

export function pageLine(current: number, pages: number): Param {
  return pages > 1 ? { t: 'desk.page', params: { page: current, pages } } : '';
}

/** Back and Next: in one row, or (`column`) one per row, as WhatsApp lists need. */
export function pageButtons(
  verb: Verb,
  current: number,
  pages: number,
  column = false,
): { buttons?: Button[][] } {
  const row: Button[] = [];
  if (current > 1) row.push({ label: 'buttons.previousPage', data: actionData(verb, String(current - 1)) });
  if (current < pages) row.push({ label: 'buttons.nextPage', data: actionData(verb, String(current + 1)) });
  if (!row.length) return {};
  return { buttons: column ? row.map((b) => [b]) : [row] };
}

/** The weekly figures' chart as an SVG drawing: two bar panels over the same weeks. */
export interface ChartInput {
  title: string;
  /** Panel titles: check-ins answered (percent) and requests (a count). */
  answerRate: string;
  requests: string;
  weeks: { label: string; answerRate: number; requests: number }[];
}

const width = 800;
const panelHeight = 170;
const left = 50;
const right = 20;

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A finite number or 0: no NaN reaches the drawing, whatever the data. */
const finite = (n: number) => (Number.isFinite(n) ? n : 0);

function panel(
  top: number,
  title: string,
  values: number[],
  labels: string[],
  max: number,
  suffix: string,
  colour: string,
) {
  const slot = (width - left - right) / Math.max(1, values.length);
  const bar = slot * 0.6;
  const base = top + panelHeight;
  const parts = [
    `<text x="${left}" y="${top - 12}" font-size="18" font-weight="bold" fill="#333">${escape(title)}</text>`,
    `<line x1="${left}" y1="${base}" x2="${width - right}" y2="${base}" stroke="#999" stroke-width="1"/>`,
  ];
  values.forEach((raw, i) => {
    const v = Math.max(0, finite(raw));
    const h = max > 0 ? Math.round((v / max) * (panelHeight - 24)) : 0;
    const x = Math.round(left + i * slot + (slot - bar) / 2);
    const centre = Math.round(x + bar / 2);
    parts.push(
      `<rect x="${x}" y="${base - h}" width="${Math.round(bar)}" height="${h}" fill="${colour}" rx="3"/>`,
      `<text x="${centre}" y="${base - h - 6}" font-size="14" text-anchor="middle" fill="#333">${v}${suffix}</text>`,
      `<text x="${centre}" y="${base + 18}" font-size="13" text-anchor="middle" fill="#555">${escape(labels[i] ?? '')}</text>`,
    );
  });
  return parts.join('');
}

export function figuresChart(input: ChartInput): string {
  const labels = input.weeks.map((w) => w.label);
  const rates = input.weeks.map((w) => finite(w.answerRate));
  const requests = input.weeks.map((w) => finite(w.requests));
  const height = 80 + 2 * (panelHeight + 70);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="34" font-size="22" font-weight="bold" text-anchor="middle" fill="#222">${escape(input.title)}</text>`,
    panel(100, input.answerRate, rates, labels, 100, '%', '#2e7d32'),
    panel(100 + panelHeight + 70, input.requests, requests, labels, Math.max(1, ...requests), '', '#1565c0'),
    '</svg>',
  ].join('');
}

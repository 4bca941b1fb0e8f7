/** Small dependency-free SVG charts for the HTML report. */

const W = 720;
const H = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 40 };
const COLORS = ['#2f6fdf', '#e0752d', '#2a9d55', '#b23a48'];

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v)!;
}

function axes(yMax: number, yLabel: string, xTicks: { x: number; label: string }[]): string {
  const plotH = H - PAD.top - PAD.bottom;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (i / 4) * plotH;
    const v = (yMax * i) / 4;
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${esc(v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(+v.toFixed(2)))}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<text x="${t.x}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${esc(t.label)}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${PAD.top + plotH / 2}" font-size="11" transform="rotate(-90 14 ${PAD.top + plotH / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  return parts.join('');
}

function legend(names: string[]): string {
  return names
    .map(
      (n, i) =>
        `<rect x="${PAD.left + i * 170}" y="${H - 14}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${PAD.left + i * 170 + 14}" y="${H - 5}" font-size="11">${esc(n)}</text>`,
    )
    .join('');
}

/** Lines over time: x in seconds, one series per name. */
export function lineChart(
  title: string,
  yLabel: string,
  xs: number[],
  series: { name: string; values: number[] }[],
): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const xMax = Math.max(1, ...xs);
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const px = (x: number) => PAD.left + (x / xMax) * plotW;
  const py = (y: number) => PAD.top + plotH - (y / yMax) * plotH;
  const ticks = Array.from({ length: 6 }, (_, i) => ({
    x: px((xMax * i) / 5),
    label: `${Math.round((xMax * i) / 5)} s`,
  }));
  const lines = series
    .map(
      (s, i) =>
        `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${s.values.map((v, j) => `${px(xs[j]!).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${axes(yMax, yLabel, ticks)}${lines}${legend(series.map((s) => s.name))}</svg></figure>`;
}

/** Vertical bars, one per labelled bucket. */
export function barChart(title: string, yLabel: string, bars: { label: string; value: number }[]): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const yMax = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const bw = plotW / Math.max(1, bars.length);
  const rects = bars
    .map((b, i) => {
      const h = (b.value / yMax) * plotH;
      return `<rect x="${(PAD.left + i * bw + 1).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[0]}"><title>${esc(`${b.label}: ${b.value}`)}</title></rect>`;
    })
    .join('');
  const ticks = bars.map((b, i) => ({ x: PAD.left + i * bw + bw / 2, label: b.label }));
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${axes(yMax, yLabel, ticks)}${rects}</svg></figure>`;
}

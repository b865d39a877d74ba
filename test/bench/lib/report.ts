/** The bench's outputs: a table on stdout, a JSON file, an SVG chart. */
import type { Failure, Result } from './context';
import { round } from './stats';

export function table(results: readonly Result[], failures: readonly Failure[]): string {
  const rows = results.map((r) => [
    r.name,
    `${r.value} ${r.unit}`,
    r.baseline ? `${r.baseline.value} ${r.unit}` : '',
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    r.note ?? '',
  ]);
  const header = ['measurement', 'zenrelay', 'baseline', 'target', 'met', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]): string => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
  for (const f of failures) lines.push(`FAILED ${f.scenario}: ${f.error.split('\n')[0]}`);
  return `${lines.join('\n')}\n`;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A bar chart of every result that has a baseline: zenrelay relative to its
 * baseline (baseline = 1.0), so rates and latencies share one axis. Higher
 * is better for rates, lower for latencies and memory; the label says which.
 */
export function svgChart(results: readonly Result[], title: string): string {
  const compared = results.filter((r) => r.baseline && r.baseline.value > 0);
  const rowH = 34;
  const left = 330;
  const width = 900;
  const scaleMax = Math.max(2, ...compared.map((r) => r.value / (r.baseline as { value: number }).value)) * 1.05;
  const x = (v: number): number => left + (v / scaleMax) * (width - left - 40);
  const height = 60 + compared.length * rowH + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="38" fill="#555">zenrelay (separate processes) relative to the baseline measured in the same run; baseline = 1.0</text>`,
  ];
  compared.forEach((r, i) => {
    const base = (r.baseline as { value: number }).value;
    const ratio = r.value / base;
    const y = 55 + i * rowH;
    const lowerIsBetter = r.unit === 'ms' || r.unit === 'MiB';
    parts.push(`<text x="10" y="${y + 14}">${escape(r.id)} (${lowerIsBetter ? 'lower' : 'higher'} is better)</text>`);
    parts.push(`<text x="10" y="${y + 27}" fill="#555">${escape(`${r.value} vs ${base} ${r.unit}`)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 4}" width="${round(x(ratio) - left, 1)}" height="18" fill="${r.met === false ? '#d9534f' : '#4a90d9'}"/>`);
    parts.push(`<text x="${round(x(ratio) + 4, 1)}" y="${y + 17}">${round(ratio)}×</text>`);
  });
  const baseX = round(x(1), 1);
  parts.push(`<line x1="${baseX}" y1="48" x2="${baseX}" y2="${height - 25}" stroke="#333" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${baseX - 20}" y="${height - 10}">baseline</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

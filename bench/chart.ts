/**
 * docs/bench-chart.svg, drawn from a results object with no dependency: for the throughput
 * tests, grouped bars of server CPU µs per request (mnemo beside redis-server) at pipeline 1
 * and 16, and p50 latency bars with a p99 whisker, at the same two depths. Each panel has its
 * own linear axis; a value far above the rest (ZRANGE_100, say) would flatten every other bar,
 * so such outliers are clipped: drawn to the top of the axis with a break mark and their value
 * written above.
 */

import { writeFileSync } from 'node:fs';
import type { Measurement, Results } from './report.js';
import type { ServerName } from './servers.js';

const COLOURS: Record<ServerName, string> = { mnemo: '#e8590c', redis: '#1971c2' };
const WIDTH = 1000;
const PANEL_HEIGHT = 230;
const LEFT = 64;
const RIGHT = 16;
const TOP = 34;
const BOTTOM = 70;

interface Bar {
  value: number;
  /** A whisker drawn from the bar's top to this value (latency panels: p99). */
  whisker?: number;
}

interface Panel {
  title: string;
  unit: string;
  tests: string[];
  bars: Map<string, Partial<Record<ServerName, Bar>>>;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** A round axis step (1, 2 or 5 times a power of ten) giving about four gridlines up to `max`. */
function niceStep(max: number): number {
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

/**
 * The top of a panel's axis: the largest value, unless it is an outlier (more than twice
 * the next one down), which is then drawn clipped; at most a quarter of the values are.
 */
function axisCap(values: number[]): number {
  const s = [...values].sort((a, b) => b - a);
  let i = 0;
  while (i + 1 < s.length && i < s.length / 4 && s[i]! > 2 * s[i + 1]!) i++;
  return s[i] ?? 1;
}

function drawPanel(p: Panel, y0: number): string {
  const out: string[] = [];
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = PANEL_HEIGHT - TOP - BOTTOM;
  const values: number[] = [];
  for (const group of p.bars.values()) {
    for (const b of Object.values(group)) {
      values.push(b.value);
      if (b.whisker !== undefined) values.push(b.whisker);
    }
  }
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return '';
  const cap = axisCap(finite);
  const step = niceStep(cap);
  const axisMax = Math.ceil(cap / step) * step;
  const yOf = (v: number) => y0 + TOP + plotH - (Math.min(v, axisMax) / axisMax) * plotH;
  out.push(
    `<text x="${LEFT}" y="${y0 + 18}" class="title">${esc(`${p.title} (${p.unit}, lower is better)`)}</text>`,
  );
  const tickDigits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = 0; v <= axisMax + step / 2; v += step) {
    const y = yOf(v).toFixed(1);
    out.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" class="grid"/>`,
      `<text x="${LEFT - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${v.toFixed(tickDigits)}</text>`,
    );
  }
  const gw = plotW / p.tests.length;
  const bw = Math.min(18, gw * 0.36);
  p.tests.forEach((test, i) => {
    const cx = LEFT + gw * (i + 0.5);
    const group = p.bars.get(test) ?? {};
    (['mnemo', 'redis'] as const).forEach((server, j) => {
      const b = group[server];
      if (b === undefined || !Number.isFinite(b.value)) return;
      const x = cx + (j === 0 ? -bw - 1 : 1);
      const top = yOf(b.value);
      const base = yOf(0);
      out.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${(base - top).toFixed(1)}" fill="${COLOURS[server]}"><title>${esc(`${server} ${test}: ${fmt(b.value)} ${p.unit}`)}${b.whisker !== undefined ? esc(` (p99 ${fmt(b.whisker)})`) : ''}</title></rect>`,
      );
      const mid = x + bw / 2;
      if (b.value > axisMax) {
        // A break mark: the bar goes on past the top of the axis.
        out.push(
          `<path d="M${(x - 2).toFixed(1)} ${(top + 9).toFixed(1)} l${(bw + 4).toFixed(1)} -5 m0 4 l${-(bw + 4).toFixed(1)} 5" class="break"/>`,
          `<text x="${mid.toFixed(1)}" y="${(top - 3 - j * 9).toFixed(1)}" class="clip" text-anchor="middle">${fmt(b.value)}</text>`,
        );
      }
      if (b.whisker !== undefined && Number.isFinite(b.whisker) && b.whisker > b.value) {
        const wy = yOf(b.whisker);
        out.push(
          `<line x1="${mid.toFixed(1)}" x2="${mid.toFixed(1)}" y1="${top.toFixed(1)}" y2="${wy.toFixed(1)}" class="whisker"/>`,
          `<line x1="${(mid - bw / 3).toFixed(1)}" x2="${(mid + bw / 3).toFixed(1)}" y1="${wy.toFixed(1)}" y2="${wy.toFixed(1)}" class="whisker"/>`,
        );
        if (b.whisker > axisMax) {
          out.push(
            `<text x="${mid.toFixed(1)}" y="${(wy - 3 - j * 9).toFixed(1)}" class="clip" text-anchor="middle">${fmt(b.whisker)}</text>`,
          );
        }
      }
    });
    const ly = y0 + TOP + plotH + 10;
    out.push(
      `<text x="${cx.toFixed(1)}" y="${ly}" class="label" text-anchor="end" transform="rotate(-40 ${cx.toFixed(1)} ${ly})">${esc(test)}</text>`,
    );
  });
  out.push(
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${yOf(0).toFixed(1)}" y2="${yOf(0).toFixed(1)}" class="axis"/>`,
  );
  return out.join('\n');
}

/** The chart as SVG text; undefined when the results hold no throughput measurements. */
export function renderChart(r: Results): string | undefined {
  const size = r.settings.valueSizes[0];
  const rows = r.throughput.filter((m) => m.valueSize === size && m.row !== undefined);
  if (rows.length === 0) return undefined;
  const pipelines = [...new Set(rows.map((m) => m.pipeline))].sort((a, b) => a - b);
  const panels: Panel[] = [];
  const build = (title: string, unit: string, pipeline: number, bar: (m: Measurement) => Bar) => {
    const tests: string[] = [];
    const bars = new Map<string, Partial<Record<ServerName, Bar>>>();
    for (const m of rows) {
      if (m.pipeline !== pipeline) continue;
      if (!bars.has(m.test)) {
        tests.push(m.test);
        bars.set(m.test, {});
      }
      bars.get(m.test)![m.server] = bar(m);
    }
    panels.push({ title, unit, tests, bars });
  };
  for (const p of pipelines) {
    build(`Server CPU per request, pipeline ${p}`, 'µs/op', p, (m) => ({
      value: m.cpuUsPerOp,
    }));
  }
  for (const p of pipelines) {
    build(`Latency, pipeline ${p}: bar p50, whisker p99`, 'ms', p, (m) => ({
      value: m.row!.p50Ms,
      whisker: m.row!.p99Ms,
    }));
  }
  const legendH = 56;
  const height = legendH + panels.length * PANEL_HEIGHT;
  const body = panels.map((p, i) => drawPanel(p, legendH + i * PANEL_HEIGHT)).join('\n');
  const legend = (['mnemo', 'redis'] as const)
    .map(
      (s, i) =>
        `<rect x="${LEFT + i * 130}" y="30" width="14" height="14" fill="${COLOURS[s]}"/><text x="${LEFT + 20 + i * 130}" y="41" class="label">${s === 'mnemo' ? 'mnemo' : 'redis-server'}</text>`,
    )
    .join('');
  const heading = `mnemo ${r.mnemoVersion} vs redis-server ${r.env.redisServer}: redis-benchmark, ${r.settings.clients} clients, ${size} B values (${r.env.date.slice(0, 10)}, ${r.mode} run, ${r.env.cores} cores)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<style>
.title { font-size: 14px; font-weight: 600; fill: #212529; }
.head { font-size: 13px; fill: #495057; }
.tick { font-size: 11px; fill: #495057; }
.label { font-size: 11px; fill: #212529; }
.clip { font-size: 10px; fill: #212529; }
.grid { stroke: #dee2e6; stroke-width: 1; }
.axis { stroke: #495057; stroke-width: 1; }
.whisker { stroke: #212529; stroke-width: 1.2; }
.break { stroke: #fff; stroke-width: 2.5; fill: none; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${LEFT}" y="18" class="head">${esc(heading)}</text>
${legend}
${body}
</svg>
`;
}

/** Writes the chart to `path`; false (and nothing written) when there is nothing to draw. */
export function writeChart(path: string, r: Results): boolean {
  const svg = renderChart(r);
  if (svg === undefined) return false;
  writeFileSync(path, svg);
  return true;
}

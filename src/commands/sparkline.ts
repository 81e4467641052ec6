/**
 * Redis's ASCII sparklines (sparkline.c), which LATENCY GRAPH draws: each sample a column, its
 * height in `rows` rows of three levels each ('_', 'o', '#' when filled, '|' under them), the
 * samples' labels written downwards under their columns, and a sequence longer than `columns`
 * drawn as several blocks. The arithmetic follows Redis's to the character, including its
 * integer truncations, so the same samples give the same drawing.
 */

const CHARSET = '_-`';
const CHARSET_FILL = '_o#';
const LEVELS = CHARSET.length;
/** Blank rows between the graph and the labels. */
const LABEL_MARGIN_TOP = 1;

export interface SparkSample {
  value: number;
  /** Written downwards under the column; empty for none. */
  label: string;
}

/** sparklineRender without SPARKLINE_LOG_SCALE. */
export function sparkline(
  samples: readonly SparkSample[],
  columns: number,
  rows: number,
  fill: boolean,
): string {
  if (samples.length === 0) return '';
  let min = samples[0]!.value;
  let max = min;
  let labels = 0;
  for (const s of samples) {
    if (s.value < min) min = s.value;
    else if (s.value > max) max = s.value;
    if (s.label !== '') labels++;
  }
  const range = { min, relmax: max - min === 0 ? 1 : max - min, labels };
  let out = '';
  for (let j = 0; j < samples.length; j += columns) {
    if (j !== 0) out += '\n';
    out += block(samples.slice(j, j + columns), range, rows, fill);
  }
  return out;
}

/** sparklineRenderRange: one block of at most `columns` samples, row by row. */
function block(
  part: readonly SparkSample[],
  range: { min: number; relmax: number; labels: number },
  rows: number,
  fill: boolean,
): string {
  const steps = LEVELS * rows;
  const charset = fill ? CHARSET_FILL : CHARSET;
  let out = '';
  for (let row = 0; ; row++) {
    let more = false;
    const chars = new Array<string>(part.length).fill(' ');
    for (let j = 0; j < part.length; j++) {
      const s = part[j]!;
      // (int)(relval * steps) / relmax, stored in an int: both steps truncate.
      let step = Math.trunc(Math.trunc((s.value - range.min) * steps) / range.relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        more = true;
        const level = step - (rows - row - 1) * LEVELS;
        if (level >= 0 && level < LEVELS) chars[j] = charset[level]!;
        else if (fill && level >= LEVELS) chars[j] = '|';
      } else {
        // The blank line between graph and labels: the row stays empty.
        if (range.labels !== 0 && row - rows < LABEL_MARGIN_TOP) {
          more = true;
          break;
        }
        const at = row - rows - LABEL_MARGIN_TOP;
        if (s.label.length > at) {
          more = true;
          chars[j] = s.label[at]!;
        }
      }
    }
    if (!more) return out;
    out += `${chars.join('')}\n`;
  }
}

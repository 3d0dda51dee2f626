import { axisFor, linearAxis } from "./axis.ts";
import { drawAxes, type Frame } from "./draw_axes.ts";
import { drawVerticals } from "./draw_verticals.ts";
import { escapeXml } from "./escape_xml.ts";
import { paint, styleSheet } from "./palette.ts";
import { thinForPlot } from "./thin.ts";
import { wrapText } from "./wrap_text.ts";
import { legendRow } from "./legend.ts";

/** What to draw. `steps` are x values (training steps), one per loss value. */
export interface LossPlotInput {
  /** The x value (training step) of each loss value; finite. */
  steps: ArrayLike<number>;
  /** The loss values; NaN and ±Infinity are marked on the x axis. */
  loss: ArrayLike<number>;
  /** Indices into `loss` of the spikes found. */
  spikes: { index: number; direction: "up" | "down" }[];
  /** Steps at which an epoch ends. */
  epochBoundaries?: number[];
  /** The period found, in steps, and its phase (step mod period). */
  period?: { period: number; phase: number } | null;
  /** One line above the plot (cut with "…" when too long). */
  title: string;
  /** Up to three lines under the plot: the main finding. */
  caption: string;
  /** Pixels, 240–8000; default 960. */
  width?: number;
  /** Pixels, 160–8000; default 540. */
  height?: number;
}

const FONT = "DejaVu Sans, Verdana, system-ui, sans-serif";

/**
 * A loss curve as a standalone SVG document: the curve, its spikes, epoch ends or the found period,
 * non-finite points, nice axes, a title and a caption with the main finding.
 *
 * Why a picture: a person reads "ten red circles, each on an epoch line" in one second, and a table
 * of indices not at all. Why no drawing library: the picture is a few hundred elements, an SVG
 * string is portable to every runtime the service runs on, and it opens in any browser.
 *
 * How: the y axis is logarithmic when the finite values span more than 1.5 decades and are all > 0
 * (`axisFor`); a long series is thinned per pixel column with M4 (`thinForPlot`, O(n)), keeping every
 * spike; the line breaks at non-finite points, which are drawn as ticks on the x axis; epoch ends
 * are faint dashed verticals; without them, the period's phase positions (`phase + k·period`, in
 * steps, as `/v1/spikes` reports them) are drawn instead. Up spikes are circles, dips are downward
 * triangles (shape as well as colour). Colours follow the viewer's light or dark scheme (`palette.ts`).
 *
 * Cost: O(n) time and O(width) memory beyond the input; the SVG holds O(width + spikes) elements.
 * Edge cases: empty series (axes and a note), all non-finite, constant series, a single point; steps
 * must be finite and as many as the losses (RangeError otherwise); spike indices must be in range.
 *
 * @throws {RangeError} for a size outside 240–8000 × 160–8000, steps and losses of different
 * lengths, a non-finite step, or a spike index out of range.
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { renderLossPlot } from "./render_loss_plot.ts";
 * const steps = Array.from({ length: 1000 }, (_, i) => i);
 * const loss = steps.map((s) => (10 / (1 + s)) * (s % 156 === 155 ? 3 : 1));
 * const svg = renderLossPlot({
 *   steps, loss, spikes: [{ index: 155, direction: "up" }], epochBoundaries: [156],
 *   title: "Loss", caption: "One spike per epoch: the last batch.",
 * });
 * assertStringIncludes(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="540"');
 * assertStringIncludes(svg, "loss (log scale)"); // from 10 down to 0.01: three decades
 * assertEquals(svg.match(/<circle/g)?.length, 2); // the spike and its legend entry
 * ```
 */
export function renderLossPlot(input: LossPlotInput): string {
  const width = input.width ?? 960, height = input.height ?? 540;
  checkInput(input, width, height);
  const { steps, loss, spikes } = input;
  const n = loss.length;
  const caption = wrapText(input.caption, Math.floor((width - 32) / (12 * 0.6)), 3);
  const title = wrapText(input.title, Math.floor((width - 32) / (16 * 0.62)), 1);
  const frame = frameFor(steps, loss, width, height, caption.length);

  const verticals = n > 0 ? drawVerticals(frame, input.epochBoundaries ?? [], input.period) : null;
  const curve = drawCurve(frame, steps, loss, spikes);
  const nonFinite = countNonFinite(loss);
  const legend = legendRow(frame.left, 44, {
    line: curve.drawn,
    spikes: spikes.filter((s) => s.direction === "up").length,
    dips: spikes.filter((s) => s.direction === "down").length,
    verticals: verticals?.role ?? null,
    period: verticals?.period,
    nonFinite,
  });
  const body = [
    legend,
    ...drawAxes(frame),
    ...(verticals?.svg ? [verticals.svg] : []),
    ...curve.parts,
    ...drawSpikes(frame, steps, loss, spikes),
    ...(n === 0 || nonFinite === n ? [emptyNote(frame, n === 0)] : []),
  ];
  return svgDocument(input, width, height, title, caption, frame.bottom, body);
}

/** The size within 240–8000 × 160–8000, steps as many as losses, spike indices in range. */
function checkInput(input: LossPlotInput, width: number, height: number): void {
  const { steps, loss, spikes } = input;
  if (!(width >= 240 && width <= 8000) || !(height >= 160 && height <= 8000)) {
    throw new RangeError(
      `the plot size must be within 240–8000 × 160–8000, found ${width}×${height}`,
    );
  }
  if (steps.length !== loss.length) {
    throw new RangeError(
      `steps and loss must be as long, found ${steps.length} and ${loss.length}`,
    );
  }
  const n = loss.length;
  for (const s of spikes) {
    if (!Number.isInteger(s.index) || s.index < 0 || s.index >= n) {
      throw new RangeError(`a spike index must be an integer in [0, ${n}), found ${s.index}`);
    }
  }
}

/** The plot area (room above for the title and legend, below for the caption) and its axes. */
function frameFor(
  steps: ArrayLike<number>,
  loss: ArrayLike<number>,
  width: number,
  height: number,
  captionLines: number,
): Frame {
  const left = 72, right = width - 24, top = 60, bottom = height - 52 - captionLines * 16;
  const n = loss.length;
  const [xMin, xMax] = stepRange(steps);
  const xAxis = n === 0
    ? linearAxis(0, 1)
    : linearAxis(xMin, xMax, Math.max(2, Math.round((right - left) / 110)));
  const yAxis = axisFor(loss);
  return {
    left,
    right,
    top,
    bottom,
    xAxis,
    yAxis,
    px: (x) => round(left + xAxis.toUnit(x) * (right - left)),
    py: (y) => round(bottom - yAxis.toUnit(y) * (bottom - top)),
  };
}

/** The smallest and largest step; a non-finite step is a RangeError. */
function stepRange(steps: ArrayLike<number>): [number, number] {
  let xMin = Infinity, xMax = -Infinity;
  for (let i = 0; i < steps.length; i++) {
    if (!Number.isFinite(steps[i])) {
      throw new RangeError(`steps[${i}] must be finite, found ${steps[i]}`);
    }
    xMin = Math.min(xMin, steps[i]);
    xMax = Math.max(xMax, steps[i]);
  }
  return [xMin, xMax];
}

/** The curve, thinned and broken at non-finite points; those are marked on the x axis. */
function drawCurve(
  frame: Frame,
  steps: ArrayLike<number>,
  loss: ArrayLike<number>,
  spikes: LossPlotInput["spikes"],
): { parts: string[]; drawn: boolean } {
  const { left, right, bottom, px, py } = frame;
  const columns = Math.max(1, Math.round(right - left));
  const kept = thinForPlot(steps, loss, columns, spikes.map((s) => s.index));
  const line: string[] = [];
  const nonFiniteColumns = new Set<number>();
  let penDown = false;
  for (const i of kept) {
    const v = loss[i];
    if (Number.isFinite(v)) {
      line.push(`${penDown ? "L" : "M"}${px(steps[i])} ${py(v)}`);
      penDown = true;
    } else {
      nonFiniteColumns.add(px(steps[i]));
      penDown = false;
    }
  }
  const parts: string[] = [];
  if (line.length > 0) {
    parts.push(
      `<path ${paint("line")} stroke-width="1.4" stroke-linejoin="round" d="${line.join("")}"/>`,
    );
  }
  if (nonFiniteColumns.size > 0) {
    const d = [...nonFiniteColumns].map((x) => `M${x} ${bottom}v-9`).join("");
    parts.push(`<path ${paint("nonFinite")} stroke-width="2" d="${d}"/>`);
  }
  return { parts, drawn: line.length > 0 };
}

/** Spikes: circles for up, downward triangles for dips; a non-finite spike sits on the axis. */
function drawSpikes(
  frame: Frame,
  steps: ArrayLike<number>,
  loss: ArrayLike<number>,
  spikes: LossPlotInput["spikes"],
): string[] {
  const { bottom, px, py } = frame;
  return spikes.map((s) => {
    const v = loss[s.index];
    const x = px(steps[s.index]), y = Number.isFinite(v) ? py(v) : bottom;
    return s.direction === "up"
      ? `<circle ${paint("spike")} stroke-width="2" cx="${x}" cy="${y}" r="6"/>`
      : `<path ${paint("dip")} stroke-width="2" d="M${x - 6} ${y - 4}H${x + 6}L${x} ${y + 7}Z"/>`;
  });
}

function countNonFinite(loss: ArrayLike<number>): number {
  let nonFinite = 0;
  for (let i = 0; i < loss.length; i++) if (!Number.isFinite(loss[i])) nonFinite++;
  return nonFinite;
}

/** The note in the middle of a plot with nothing to draw. */
function emptyNote(frame: Frame, empty: boolean): string {
  const { left, right, top, bottom } = frame;
  return `<text ${paint("muted")} x="${(left + right) / 2}" y="${
    (top + bottom) / 2
  }" text-anchor="middle">${empty ? "no data" : "no finite value to draw"}</text>`;
}

/** The SVG document: title and description for readers, background, title line, body, caption. */
function svgDocument(
  input: LossPlotInput,
  width: number,
  height: number,
  title: string[],
  caption: string[],
  bottom: number,
  body: string[],
): string {
  const captionText = caption
    .map((l, k) => `<tspan x="16" y="${bottom + 52 + k * 16}">${escapeXml(l)}</tspan>`)
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12" role="img">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<desc>${escapeXml(input.caption)}</desc>`,
    styleSheet(),
    `<rect ${paint("background")} x="0" y="0" width="${width}" height="${height}"/>`,
    `<text ${paint("text")} x="16" y="26" font-size="16" font-weight="bold">${
      escapeXml(title[0] ?? "")
    }</text>`,
    ...body,
    `<text ${paint("text")} font-size="12">${captionText}</text>`,
    `</svg>`,
  ].join("\n");
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

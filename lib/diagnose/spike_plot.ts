import type { Finding } from "../findings/mod.ts";
import { renderLossPlot } from "../plot/mod.ts";
import { type SpikeReport, stepAxis } from "../spikes/mod.ts";

/** What to draw. */
export interface SpikePlotInput {
  /** The loss series the report analysed. */
  loss: ArrayLike<number>;
  /** The training step of each point, as given to the analysis. */
  steps?: Float64Array | null;
  /** Steps between two points when `steps` is not given; default 1. */
  logEvery?: number;
  /** The analysis of `loss`. */
  report: SpikeReport;
  /** The finding the caption tells; default the report's first. */
  finding?: Finding | null;
  /** Pixels, 240–8000; default 960. */
  width?: number;
  /** Pixels, 160–8000; default 540. */
  height?: number;
}

/**
 * The picture of a spike analysis, as a standalone SVG document: the loss curve with its spikes
 * marked, the last step of every epoch drawn (or, without an epoch, the found period's positions),
 * a title with the numbers and a caption with the main finding.
 *
 * Why: "ten circles, each on an epoch line" is read in a second, a table of spike indices is not.
 * This is the adapter between a {@linkcode SpikeReport} and {@linkcode renderLossPlot}: the x
 * values are training steps as the report counts them (`steps`, else index × `logEvery`), and an
 * epoch's last step is k·S − 1 for S steps per epoch (0-based steps, as the report's phases). More
 * epoch ends than one per 4 px would paint the plot grey and are left out (the caption says so).
 *
 * Cost: O(n + epochs) beyond the rendering's O(n).
 *
 * @throws {RangeError} as {@linkcode renderLossPlot} (a size outside 240–8000 × 160–8000).
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { analyzeSpikes } from "../spikes/mod.ts";
 * import { spikePlot } from "./spike_plot.ts";
 * // 10 epochs of 157 steps (5000 samples in batches of 32), the last step of each 4× the others
 * const loss = new Float64Array(1570).map((_, i) =>
 *   (i % 157 === 156 ? 4 : 1) * (1 + 0.05 * Math.sin(i * 12.9898))
 * );
 * const svg = spikePlot({ loss, report: analyzeSpikes(loss, { stepsPerEpoch: 157 }) });
 * assertStringIncludes(svg, "<title>Training loss: 1570 points, 10 spikes, period 157 steps");
 * assertStringIncludes(svg, ">epoch end</text>"); // the epochs' last steps are drawn
 * ```
 */
export function spikePlot(input: SpikePlotInput): string {
  const { loss, report } = input;
  const n = loss.length;
  const axis = stepAxis(n, input.steps ?? undefined, input.logEvery ?? 1);
  const steps = new Float64Array(n);
  for (let i = 0; i < n; i++) steps[i] = axis.stepOf(i);

  const width = input.width ?? 960;
  const perEpoch = report.epoch_alignment?.steps_per_epoch ?? null;
  let boundaries: number[] = [];
  let tooDense = false;
  if (perEpoch !== null && n > 0) {
    const first = Math.ceil((steps[0] + 1) / perEpoch),
      last = Math.floor((steps[n - 1] + 1) / perEpoch);
    if (last - first + 1 > width / 4) {
      tooDense = true;
    } else {
      for (let k = Math.max(first, 1); k <= last; k++) boundaries.push(k * perEpoch - 1);
    }
  }
  if (tooDense) boundaries = [];

  const p = report.periodicity;
  const title =
    `Training loss: ${n} points, ${report.spike_count} spike${
      report.spike_count === 1 ? "" : "s"
    }` +
    (p.period !== null ? `, period ${p.period} steps` : "") +
    (report.epoch_alignment?.aligned ? ` = the epoch (${report.epoch_alignment.position})` : "");
  const finding = input.finding === undefined ? report.findings[0] ?? null : input.finding;
  const caption =
    (finding
      ? `${finding.severity}: ${finding.title}. ${firstSentence(finding.evidence)}`
      : "No problem found in this curve.") +
    (tooDense ? ` (${perEpoch}-step epochs are too short to draw at this width.)` : "");

  return renderLossPlot({
    steps,
    loss,
    spikes: report.spikes.map((s) => ({ index: s.index, direction: s.direction })),
    epochBoundaries: boundaries,
    period: p.period !== null && p.phase !== null ? { period: p.period, phase: p.phase } : null,
    title,
    caption,
    width,
    height: input.height,
  });
}

/** The text up to its first sentence end (". " before a capital or a backtick), capitalised. */
function firstSentence(text: string): string {
  const end = text.search(/\.\s+(?=[A-Z`])/);
  const sentence = end >= 0 ? text.slice(0, end + 1) : text;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/**
 * The picture of a spike analysis: the loss curve as SVG with its spikes marked, the last step of
 * every epoch drawn (or, without an epoch, the found period's positions), a title with the
 * numbers and a caption with the main finding.
 *
 * Why: "ten circles, each on an epoch line" is read in a second, a table of spike indices is not.
 * This is the adapter between a {@linkcode SpikeReport} and {@linkcode renderLossPlot}: the x
 * values are training steps as the report counts them (`steps`, else index × `logEvery`), and an
 * epoch's last step is k·S − 1 for S steps per epoch (0-based steps, as the report's phases). More
 * epoch ends than one per 4 px would paint the plot grey and are left out (the caption says so).
 *
 * Cost: O(n + epochs) beyond the rendering's O(n).
 *
 * @example
 * ```ts
 * const report = analyzeSpikes(loss, { stepsPerEpoch: 157 });
 * const svg = spikePlot({ loss, report }); // "<svg …>" with 10 epoch lines on 1570 steps
 * ```
 */
import type { Finding } from "../findings/mod.ts";
import { renderLossPlot } from "../plot/mod.ts";
import { type SpikeReport, stepAxis } from "../spikes/mod.ts";

/** What to draw. */
export interface SpikePlotInput {
  loss: ArrayLike<number>;
  steps?: Float64Array | null;
  logEvery?: number;
  report: SpikeReport;
  /** The finding the caption tells; default the report's first. */
  finding?: Finding | null;
  width?: number;
  height?: number;
}

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

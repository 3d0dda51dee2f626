/**
 * Why does this loss curve spike? Spikes, their period and phase, the epoch, and the causes.
 *
 * The pipeline, each step in its own file: robust z-scores around a rolling-median trend
 * (`residuals.ts`); the period, proposed by the autocorrelation and judged by fold tests, or
 * none (`../period/find_period.ts`); the epoch from `steps_per_epoch` or the data loader's
 * arguments (`epoch_layout.ts`), with the loss ratio at the last and first step of every epoch
 * (`boundary_ratios.ts`); and the differential diagnosis (`spike_findings.ts`). Points may be
 * means of `logEvery` steps, or carry their own `steps`; periods and phases are answered in
 * training steps.
 *
 * Cost: O(n) passes plus the period search's O(m log m), m ≤ 65 536.
 *
 * @example
 * ```ts
 * const report = analyzeSpikes(loss, { datasetSize: 5000, batchSize: 32 });
 * report.periodicity.period; // 157
 * report.findings[0].id; // "last-batch-spike"
 * ```
 */
import { quantile } from "simple-statistics";
import type { Finding } from "../findings/mod.ts";
import { circularDistance, circularMean, findPeriod, modulo, type Period } from "../period/mod.ts";
import { epochPosition, foldAtEpoch } from "./epoch_position.ts";
import { boundaryRatios, precedingMedian } from "./boundary_ratios.ts";
import { boundaryShape } from "./boundary_shape.ts";
import { coarsePeriod } from "./coarse_period.ts";
import { extremes } from "./detect_spikes.ts";
import { spikeEpoch } from "./epoch_layout.ts";
import { LEVEL_SHIFT_WIDTH, levelShifts } from "./level_shifts.ts";
import { robustResiduals } from "./residuals.ts";
import { risingTrend } from "./rising_trend.ts";
import { overfitting } from "./overfitting.ts";
import { scheduleEvents, spikesAtScheduleEvents } from "./schedule_events.ts";
import { inputSummary, onSteps } from "./side_series.ts";
import { runningMeanSignature } from "./running_mean_signature.ts";
import { explainLastBatch, spikeFindings } from "./spike_findings.ts";
import { ratioSignificance } from "../batch/mod.ts";
import { spikeSummary } from "./spike_summary.ts";
import { regularGrid } from "./regular_grid.ts";
import { type StepAxis, stepAxis } from "./step_axis.ts";
import type { EpochAlignment, Periodicity, Spike, SpikeOptions, SpikeReport } from "./types.ts";

/** Most spikes listed in a report (the count is always complete). */
export const MAX_LISTED_SPIKES = 10_000;

export function analyzeSpikes(loss: Float64Array, options: SpikeOptions = {}): SpikeReport {
  if (loss.length === 0) {
    throw new RangeError("expected at least one loss value, found an empty series");
  }
  const axis = stepAxis(loss.length, options.steps, options.logEvery);
  options = onSteps(options, axis.stepOf, loss.length);
  // Rows missing from `steps`: analysed on the regular grid, answered for the rows given.
  const grid = options.steps ? regularGrid(loss, options.steps, axis.stride) : null;
  if (!grid) return analyzeRows(loss, options, axis, null);
  const gridOptions = { ...options, steps: grid.steps };
  const gridAxis = { stepOf: (i: number) => grid.steps[i], stride: axis.stride };
  const report = analyzeRows(grid.loss, gridOptions, gridAxis, {
    n: loss.length,
    nonFinite: nonFiniteRows(loss, options.steps!),
  });
  for (const spike of report.spikes) spike.index = grid.index[spike.index];
  return report;
}

/** The rows a gridded series came from: their count and their non-finite values. */
interface Rows {
  n: number;
  nonFinite: { count: number; first_step: number | null };
}

function nonFiniteRows(loss: Float64Array, steps: Float64Array): Rows["nonFinite"] {
  let count = 0, first: number | null = null;
  for (let i = 0; i < loss.length; i++) {
    if (Number.isFinite(loss[i])) continue;
    count++;
    first ??= steps[i];
  }
  return { count, first_step: first };
}

function analyzeRows(
  loss: Float64Array,
  options: SpikeOptions,
  axis: StepAxis,
  rows: Rows | null,
): SpikeReport {
  const n = rows?.n ?? loss.length;
  const residuals = robustResiduals(loss);
  const { z, finite } = residuals;
  const layout = spikeEpoch(options);
  let found = findPeriod(
    z,
    finite,
    { checkpoint: options.checkpoint },
    residuals.values,
    { compute: () => levelShifts(residuals, LEVEL_SHIFT_WIDTH), width: LEVEL_SHIFT_WIDTH },
  );
  let method = "autocorrelation proposals judged by fold tests";
  if (!found) {
    found = coarsePeriod(loss);
    if (found) method += ", on block medians (a slow shape)";
  }

  // The epoch, when known, is tested directly too: one period and two phases, not thousands.
  const epochPoints = layout ? layout.stepsPerEpoch / axis.stride : null;
  const last = layout
    ? boundaryRatios(
      loss,
      z,
      axis.stepOf,
      layout.stepsPerEpoch,
      layout.stepsPerEpoch - 1,
      axis.stride,
    )
    : null;
  const first = layout
    ? boundaryRatios(loss, z, axis.stepOf, layout.stepsPerEpoch, 0, axis.stride)
    : null;
  const periodSteps = found ? found.period * axis.stride : null;
  const matchesEpoch = (steps: number | null) =>
    layout !== null && steps !== null &&
    Math.abs(steps - layout.stepsPerEpoch) <= Math.max(axis.stride, 0.02 * layout.stepsPerEpoch);
  if (layout && epochPoints !== null && !matchesEpoch(periodSteps) && last && first) {
    const targeted = foldAtEpoch(z, finite, last, first, layout.stepsPerEpoch, epochPoints);
    if (targeted) {
      found = targeted;
      method = "fold at the given epoch length";
    }
  }

  const period = found ? found.period * axis.stride : null;
  // A running mean restarting shows as a repeating shape, as dips, or as spikes whose sign
  // changes from epoch to epoch: only then is its signature checked.
  // Folded at the epoch's exact length when the period is the epoch, else (a point a step) at
  // the whole number of steps an epoch is, when the period is within 0.2 of one (further off,
  // it is a fraction of the cycle, 21/4): a period found 1 % off smears the restart over the
  // bins within a few dozen cycles, and 28.002 leaves a last bin of a few points.
  const signature =
    found && period !== null && (found.kind !== "spikes-up" || mixedSigns(z, found) >= 0.15)
      ? runningMeanSignature(
        residuals.values,
        finite,
        epochPoints !== null && matchesEpoch(period)
          ? epochPoints
          : axis.stride === 1 && Math.abs(period - Math.round(period)) <= 0.2
          ? Math.max(2, Math.round(period))
          : found.period,
      )
      : null;
  // A shape at the epoch whose variance sits in the boundary's point is that boundary's spike
  // (or dip), diluted in logged means: answered as one.
  const edge = found?.kind === "shape" && epochPoints !== null && matchesEpoch(period) &&
      !signature?.runningMean && last && first
    ? boundaryShape(z, finite, epochPoints, last, first)
    : null;
  if (found && edge) {
    const indices = (edge.side === "last" ? last! : first!).indices;
    found = {
      ...found,
      kind: edge.direction === "up" ? "spikes-up" : "spikes-down",
      phase: circularMean(indices, found.period),
      matched: indices,
      smoothness: null,
    };
    method += `; the shape is the ${edge.side} point of each epoch (${
      (100 * edge.share).toFixed(0)
    } % of its variance)`;
  }
  // The phase within the epoch's exact length when the period is the epoch: spikes at step
  // 334 of every 335, folded at 334.9, drift to a mean of 334.6 — which rounds to the next
  // epoch's first step.
  const cycle = period !== null && layout && matchesEpoch(period) ? layout.stepsPerEpoch : period;
  const phase = found === null || cycle === null
    ? null
    : found.matched.length > 0
    ? circularMean(found.matched.map(axis.stepOf), cycle)
    : modulo(axis.stepOf(Math.round(signature!.resetPhase)), cycle);

  const [position, alternative] = layout
    ? epochPosition(
      found,
      phase,
      layout.stepsPerEpoch,
      axis.stride,
      matchesEpoch(period),
      last,
      first,
      layout.lastBatchSize !== null && layout.lastBatchSize === layout.batchSize,
    )
    : (["other", null] as const);
  const alignment: EpochAlignment | null = layout
    ? {
      steps_per_epoch: layout.stepsPerEpoch,
      last_batch_size: layout.lastBatchSize,
      aligned: matchesEpoch(period),
      position,
      alternative,
    }
    : null;

  const spikeThreshold = 6;
  const isolatedThreshold = Math.max(spikeThreshold, 2.5 * tailQuantile(z, finite));
  // Spikes against the trend around them, and jumps against the trend before them (a spike
  // with a slow recovery, such as a learning-rate spike, lifts the centred trend with it).
  const onsets = extremes(residuals.onset, isolatedThreshold).filter((e) => e.direction === "up");
  const events = [...extremes(z, spikeThreshold), ...onsets];
  const periodic = new Set(found?.matched ?? []);
  const spikes: Spike[] = [];
  const listed = new Set<number>();
  const isolated: Spike[] = [];
  // A spike of a periodic train carries a momentum tail: points a few steps after it that still
  // stand out are part of the same event, not spikes of their own.
  const tail = found ? Math.min(30, Math.max(2, 0.1 * found.period)) : 0;
  const inTail = (index: number) => {
    if (!found || found.kind === "shape") return false;
    const after = modulo(index - found.phase, found.period);
    return after > 1.5 && after <= tail && Math.abs(z[index]) < 6 * 4;
  };
  for (const index of [...events.map((e) => e.index), ...periodic].sort((a, b) => a - b)) {
    if (listed.has(index) || (!periodic.has(index) && inTail(index))) continue;
    listed.add(index);
    const baseline = precedingMedian(loss, index);
    const score =
      Math.abs(residuals.onset[index]) > Math.abs(z[index]) && residuals.onset[index] > 0
        ? residuals.onset[index]
        : z[index];
    const spike: Spike = {
      step: axis.stepOf(index),
      index,
      value: loss[index],
      baseline,
      ratio: loss[index] / baseline,
      z: score,
      direction: score >= 0 ? "up" : "down",
    };
    spikes.push(spike);
    const nearPeriodic = found !== null && found.kind !== "shape" &&
      distanceToPhase(index, found) <= 3;
    if (
      !nearPeriodic && Math.abs(spike.z) >= isolatedThreshold &&
      Math.abs(Math.log(Math.abs(spike.ratio))) >= 0.1
    ) {
      isolated.push(spike);
    }
  }

  const periodicity: Periodicity = found && period !== null
    ? {
      period: roundTo(period, axis.stride),
      // Rounded within the cycle: a phase of 125.9 in a period of 126 is 0, not 126.
      phase: phase === null ? null : Math.round(phase) >= cycle! - 0.5 ? 0 : Math.round(phase),
      confidence: Math.max(0, Math.min(1, found.strength * (1 - Math.exp(found.logP)))),
      method,
      kind: found.kind,
      cycles: found.cycles,
      evidence: periodEvidence(found, period, axis.stride),
    }
    : {
      period: null,
      phase: null,
      confidence: 0,
      method,
      kind: null,
      cycles: null,
      evidence: "no period passed the fold tests: no phase holds a spike in most cycles, " +
        "and no repeating profile explains the variance",
    };

  const nonFinite = rows?.nonFinite ?? {
    count: residuals.nonFinite.count,
    first_step: residuals.nonFinite.first >= 0 ? axis.stepOf(residuals.nonFinite.first) : null,
  };
  const explanation = explainLastBatch(options, last);
  const schedule = spikesAtScheduleEvents(
    isolated,
    scheduleEvents(options.learningRate),
    axis.stride,
  );
  const findings: Finding[] = spikeFindings({
    explanation,
    n,
    options,
    layout,
    periodicity,
    found,
    alignment,
    last,
    first,
    signature,
    isolated: schedule.unexplained,
    scheduled: schedule.scheduled,
    overfitting: overfitting(loss, axis.stepOf, options.evalLoss),
    nonFinite,
    rising: risingTrend(
      loss,
      found?.kind === "shape" && found.matched.length === 0 ? found.period : 0,
    ),
    stepOf: axis.stepOf,
  });
  const report: SpikeReport = {
    n,
    input: inputSummary(n, options),
    scale: residuals.domain,
    non_finite: nonFinite,
    spike_count: spikes.length,
    spikes: spikes.slice(0, MAX_LISTED_SPIKES),
    periodicity,
    epoch_alignment: alignment,
    last_batch: last && last.median !== null
      ? {
        measured_ratio: last.median,
        min_ratio: last.min,
        max_ratio: last.max,
        epochs: last.epochs,
        spike_share: last.spikeShare,
        ...significanceOf(last.ratios),
        inferred_reduction: explanation?.inferred_reduction ?? null,
        k: explanation?.k ?? null,
        predicted_ratio: explanation?.predicted_ratio ?? null,
      }
      : null,
    findings,
    summary: "",
  };
  report.summary = spikeSummary(report);
  return report;
}

function significanceOf(ratios: number[]): { significant: boolean; p_value: number } {
  const { significant, p_value } = ratioSignificance(ratios);
  return { significant, p_value };
}

function periodEvidence(found: Period, period: number, stride: number): string {
  const points = stride === 1
    ? ""
    : ` (${found.period.toFixed(2)} logged points of ${stride} steps)`;
  if (found.kind === "shape") {
    return `a profile repeating every ${fmt(period)} steps${points} explains ` +
      `${(100 * found.strength).toFixed(0)} % of the variance around the trend ` +
      `over ${found.cycles} cycles`;
  }
  const what = found.kind === "spikes-up" ? "spike" : "dip";
  return `a ${what} every ${fmt(period)} steps${points}: ${found.hits} of ${found.cycles} ` +
    `cycles hold one at the same phase (p < ${
      Math.max(Math.exp(found.logP), 1e-300).toExponential(1)
    } ` +
    `after correcting for ${found.proposals} trial periods and every phase)`;
}

function tailQuantile(z: Float64Array, finite: Uint8Array): number {
  const stride = Math.max(1, Math.floor(z.length / 100_000));
  const sample: number[] = [];
  for (let i = 0; i < z.length; i += stride) if (finite[i]) sample.push(Math.abs(z[i]));
  // In a short series the top 1 % is a handful of points — the spikes themselves and their
  // tails: the quantile is taken 10 points below the top, down to the 95th percentile (below
  // 200 points a blow-up's last steps would set a bar of the median).
  return sample.length > 0
    ? quantile(sample, Math.max(0.95, Math.min(0.99, 1 - 10 / sample.length)))
    : 0;
}

/** Share of a spike train's cycles holding a dip (z ≤ −3.5) at the spikes' phase. */
function mixedSigns(z: Float64Array, found: Period): number {
  let dips = 0, cycles = 0;
  for (let at = found.phase; at < z.length; at += found.period, cycles++) {
    for (let i = Math.max(0, Math.ceil(at - 1.5)); i <= Math.min(z.length - 1, at + 1.5); i++) {
      if (z[i] <= -3.5) {
        dips++;
        break;
      }
    }
  }
  return cycles > 0 ? dips / cycles : 0;
}

function distanceToPhase(index: number, found: Period): number {
  return circularDistance(index, found.phase, found.period);
}

function roundTo(period: number, stride: number): number {
  return stride >= 1 && Math.abs(period - Math.round(period)) < 0.05 * stride
    ? Math.round(period)
    : Number(period.toFixed(2));
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

import { median } from "simple-statistics";
import { ratioSignificance } from "../batch/mod.ts";
import { type Excursion, excursions } from "./excursions.ts";
import { explain } from "./explain.ts";
import { findSpikePeriod } from "./find_spike_period.ts";
import { listSpikes } from "./list_spikes.ts";
import { locate, type Located } from "./locate.ts";
import { prepare, type Prepared, type Rows } from "./prepare.ts";
import { overfitting } from "./overfitting.ts";
import { readPeriod } from "./read_period.ts";
import { regularGrid } from "./regular_grid.ts";
import { risingTrend } from "./rising_trend.ts";
import { type Evidence, explainLastBatch } from "./rules/mod.ts";
import { scheduleEvents, spikesAtScheduleEvents } from "./schedule_events.ts";
import { inputSummary, onSteps } from "./side_series.ts";
import { spikeSummary } from "./spike_summary.ts";
import { type StepAxis, stepAxis } from "./step_axis.ts";
import { LIST } from "./tuning.ts";
import type { Spike, SpikeOptions, SpikeReport } from "./types.ts";

/**
 * Most spikes listed in a report (the count is always complete).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MAX_LISTED_SPIKES } from "./analyze_spikes.ts";
 * assertEquals(MAX_LISTED_SPIKES, 10_000);
 * ```
 */
export const MAX_LISTED_SPIKES: number = LIST.maxListed;

/**
 * Why does this loss curve spike? Spikes, their period and phase, the epoch, and the causes.
 *
 * The analysis is a pipeline of named stages, each a function of the record the one before
 * hands it:
 *
 * 1. prepare (`prepare.ts`): robust z-scores around a rolling-median trend, the epoch and the
 *    loss ratio at its last and first step;
 * 2. propose and judge (`find_spike_period.ts`): the period, proposed by the autocorrelation
 *    and judged by fold tests (`../period/`), or on block medians, or at the given epoch;
 * 3. locate (`locate.ts`): the phase in steps, the epoch alignment, the running-mean signature;
 *    then the spikes themselves (`list_spikes.ts`);
 * 4. explain (`explain.ts`): one rule per finding id (`rules/`), on the evidence;
 * 5. summarise (`spike_summary.ts`): the Markdown.
 *
 * Points may be means of `logEvery` steps, or carry their own `steps` (rows missing from them
 * are analysed on a regular grid, and answered for the rows given); periods and phases are
 * answered in training steps. Every tuning value sits in `tuning.ts` (and `../period/tuning.ts`).
 *
 * Cost: O(n) passes plus the period search's O(m log m), m ≤ 65 536.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { analyzeSpikes } from "./analyze_spikes.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const report = analyzeSpikes(loss, { datasetSize: 5000, batchSize: 32 });
 * assertEquals([report.periodicity.period, report.periodicity.phase], [157, 156]);
 * assertEquals(report.epoch_alignment?.position, "last-step");
 * assertEquals(report.findings.map((f) => f.id).includes("last-batch-spike"), true);
 * assertAlmostEquals(report.last_batch?.measured_ratio ?? 0, 4, 0.1);
 * ```
 */
export function analyzeSpikes(loss: Float64Array, options: SpikeOptions = {}): SpikeReport {
  if (loss.length === 0) {
    throw new RangeError("expected at least one loss value, found an empty series");
  }
  const axis = stepAxis(loss.length, options.steps, options.logEvery);
  // The eval loss, learning rate and gradient norm on training steps.
  options = onSteps(options, axis.stepOf, loss.length);
  // Rows missing from `steps`: analysed on the regular grid, answered for the rows given.
  const grid = options.steps ? regularGrid(loss, options.steps, axis.stride) : null;
  if (!grid) return analyzeRows(loss, options, axis, null);
  const gridOptions = { ...options, steps: grid.steps };
  const gridAxis = { stepOf: (i: number) => grid.steps[i], stride: axis.stride };
  const report = analyzeRows(grid.loss, gridOptions, gridAxis, {
    n: loss.length,
    nonFinite: nonFiniteRows(loss, options.steps!),
    index: grid.index,
  });
  for (const spike of report.spikes) spike.index = grid.index[spike.index];
  return report;
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

/** The pipeline on one regular series of points. */
function analyzeRows(
  loss: Float64Array,
  options: SpikeOptions,
  axis: StepAxis,
  rows: Rows | null,
): SpikeReport {
  const prepared = prepare(loss, options, axis, rows);
  const located = locate(prepared, findSpikePeriod(prepared));
  const blowUps = excursions(prepared.loss, prepared.residuals, rows?.index);
  const { spikes, isolated } = listSpikes(prepared, located, blowUps);
  const evidence = evidenceOf(prepared, located, isolated, blowUps);
  const report: SpikeReport = {
    n: prepared.n,
    input: inputSummary(prepared.n, options),
    scale: prepared.residuals.domain,
    non_finite: evidence.nonFinite,
    spike_count: spikes.length,
    spikes: spikes.slice(0, LIST.maxListed),
    periodicity: located.periodicity,
    epoch_alignment: located.alignment,
    last_batch: lastBatchOf(evidence),
    findings: explain(evidence),
    summary: "",
  };
  report.summary = spikeSummary(report);
  return report;
}

/**
 * The record the diagnosis rules read (`rules/evidence.ts`), from the stages' results: the
 * period and where it sits, the epoch's boundary ratios and their last-batch reading, the
 * spikes no period or schedule event explains, the eval loss's trend, the rise, the blow-ups.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { evidenceOf } from "./analyze_spikes.ts";
 * import { excursions } from "./excursions.ts";
 * import { findSpikePeriod } from "./find_spike_period.ts";
 * import { listSpikes } from "./list_spikes.ts";
 * import { locate } from "./locate.ts";
 * import { prepare } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32), 4× at the last step of each
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(1570), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals([evidence.reading?.cause, evidence.alignment?.position], ["last-step", "last-step"]);
 * assertAlmostEquals(evidence.last?.median ?? 0, 4, 0.1);
 * ```
 */
export function evidenceOf(
  prepared: Prepared,
  located: Located,
  spikes: Spike[],
  blowUps: Excursion[],
): Evidence {
  const { residuals, options, epoch, axis, rows } = prepared;
  // Spikes on a learning-rate schedule event (warm-up's end, a restart) are explained.
  const schedule = spikesAtScheduleEvents(
    spikes,
    scheduleEvents(options.learningRate),
    axis.stride,
  );
  const { found } = located;
  const nonFinite = rows?.nonFinite ?? {
    count: residuals.nonFinite.count,
    first_step: residuals.nonFinite.first >= 0 ? axis.stepOf(residuals.nonFinite.first) : null,
  };
  const cycle = found?.kind === "shape" && found.matched.length === 0 ? found.period : 0;
  return {
    n: prepared.n,
    scale: residuals.domain,
    typicalLevel: typicalLevel(prepared.loss),
    options,
    layout: epoch?.layout ?? null,
    periodicity: located.periodicity,
    found,
    alignment: located.alignment,
    last: epoch?.last ?? null,
    first: epoch?.first ?? null,
    signature: located.signature,
    undone: prepared.undone,
    stairs: located.stairs,
    explanation: explainLastBatch(options, epoch?.last ?? null),
    isolated: schedule.unexplained,
    scheduled: schedule.scheduled,
    overfitting: overfitting(prepared.loss, axis.stepOf, options.evalLoss),
    nonFinite,
    rising: risingTrend(prepared.loss, cycle, residuals.noise),
    excursions: blowUps,
    stepOf: axis.stepOf,
    reading: readPeriod(
      found,
      located.alignment,
      located.signature,
      epoch?.layout ?? null,
      located.stairs,
      located.restart,
    ),
  };
}

/** Whether the per-epoch ratios are significantly away from 1 (`ratioSignificance`). */
function significanceOf(ratios: number[]): { significant: boolean; p_value: number } {
  const { significant, p_value } = ratioSignificance(ratios);
  return { significant, p_value };
}

/** The median |loss| over the finite points, on an evenly strided sample of at most 10 001. */
function typicalLevel(loss: Float64Array): number {
  const stride = Math.max(1, Math.floor(loss.length / 10_000));
  const sample: number[] = [];
  for (let i = 0; i < loss.length; i += stride) {
    if (Number.isFinite(loss[i])) sample.push(Math.abs(loss[i]));
  }
  return sample.length > 0 ? median(sample) : 0;
}

/** The measured last-batch ratio and what the last-batch model makes of it. */
function lastBatchOf(evidence: Evidence): SpikeReport["last_batch"] {
  const { last, explanation } = evidence;
  if (!last || last.median === null) return null;
  return {
    measured_ratio: last.median,
    min_ratio: last.min,
    max_ratio: last.max,
    epochs: last.epochs,
    spike_share: last.spikeShare,
    ...significanceOf(last.ratios),
    inferred_reduction: explanation?.inferred_reduction ?? null,
    k: explanation?.k ?? null,
    predicted_ratio: explanation?.predicted_ratio ?? null,
  };
}

import type { LastBatchAnswer } from "../batch/mod.ts";
import type { SpikeReport } from "../spikes/mod.ts";
import type { ReductionSource } from "./types.ts";

/** Largest |ln(measured ÷ predicted)| still called agreement. */
const AGREEMENT = Math.log(1.25);

/**
 * Does the measured last-batch jump agree with the one the configuration predicts? The notes that
 * say so (or why it cannot be said), for a diagnosis that has both.
 *
 * Why: only a diagnosis that has both the loss curve and the data loader's configuration can
 * close this loop. The spike analysis measures loss(last step) ÷ median(the 10 steps before),
 * epoch by epoch; the last-batch model predicts (r/B)^(1−k) from the reduction's exponent k.
 * Agreement (within a factor 1.25, the threshold below which the last-batch model calls a factor
 * `info`) confirms the cause; disagreement says the reduction is not what the person thinks, or
 * that something else is special about the end of the epoch. A measured ratio whose epochs are not
 * significantly away from 1 (`spikes.last_batch.significant`) is noise: it is said so, and
 * compared with nothing. The epochs must be the same too:
 * a `steps_per_epoch` that differs from what dataset and batch size give is reported.
 *
 * Cost: O(1). Returns [] when the curve had no measurable last step.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { lastBatch } from "../batch/mod.ts";
 * import { analyzeSpikes } from "../spikes/mod.ts";
 * import { lastBatchAgreement } from "./last_batch_agreement.ts";
 * // 10 epochs of 157 steps (5000 samples in batches of 32), the last step of each 4× the others
 * const loss = new Float64Array(1570).map((_, i) =>
 *   (i % 157 === 156 ? 4 : 1) * (1 + 0.05 * Math.sin(i * 12.9898))
 * );
 * const spikes = analyzeSpikes(loss, { datasetSize: 5000, batchSize: 32 });
 * const sizes = { datasetSize: 5000, batchSize: 32 };
 * const agree = lastBatchAgreement(
 *   spikes, lastBatch({ ...sizes, reduction: "per_item_then_batch_mean" }), "given",
 * );
 * assertEquals(agree.length, 1);
 * assertStringIncludes(agree[0], "agrees with the 4× that the reduction");
 * const disagree = lastBatchAgreement(spikes, lastBatch({ ...sizes, reduction: "sum" }), "given");
 * assertStringIncludes(disagree[0], "points to `per_item_then_batch_mean` instead");
 * ```
 */
export function lastBatchAgreement(
  spikes: SpikeReport,
  lastBatch: LastBatchAnswer,
  source: ReductionSource,
): string[] {
  const configuredSteps = lastBatch.per_rank?.steps_per_epoch ?? lastBatch.steps_per_epoch;
  const curveSteps = spikes.epoch_alignment?.steps_per_epoch;
  if (curveSteps !== undefined && curveSteps !== configuredSteps) {
    return [
      `steps_per_epoch = ${curveSteps} was used for the loss curve, but dataset_size and ` +
      `batch_size give ${configuredSteps} steps per epoch${
        lastBatch.world_size > 1 ? " per rank" : ""
      }: check which one the run had.`,
    ];
  }
  const measured = spikes.last_batch;
  if (!measured || !(measured.measured_ratio > 0)) return [];
  const words = wordsOf(measured, lastBatch);
  // Noise around 1 neither confirms nor contradicts a reduction: say so, and nothing more.
  if (!measured.significant) return [noiseNote(words, measured.p_value, source)];
  if (source === "inferred") {
    return [
      `No reduction was given: the measured ${words.measured} points to ${words.reduction}, ` +
      `which predicts ${words.predicted} for ${words.batch}; the configuration's prediction uses it.`,
    ];
  }
  return [comparisonNote(words, measured, lastBatch, source)];
}

type MeasuredLastBatch = NonNullable<SpikeReport["last_batch"]>;

/** The phrases every note about the measured ratio uses. */
interface RatioWords {
  /** The measured ratio m and its range over the epochs, e.g. "4.03× (3.46–4.7 over 10 epochs)". */
  measured: string;
  /** The predicted factor p, e.g. "4×". */
  predicted: string;
  /** The reduction, in backquotes. */
  reduction: string;
  /** "a last batch of r of B". */
  batch: string;
  /** |ln(m ÷ p)| within {@linkcode AGREEMENT}. */
  agrees: boolean;
}

function wordsOf(measured: MeasuredLastBatch, lastBatch: LastBatchAnswer): RatioWords {
  const m = measured.measured_ratio, p = lastBatch.loss_scale;
  const range = measured.min_ratio !== null && measured.max_ratio !== null
    ? ` (${fmt(measured.min_ratio)}–${fmt(measured.max_ratio)} over ${measured.epochs} epochs)`
    : "";
  return {
    measured: `${fmt(m)}×${range}`,
    predicted: `${fmt(p)}×`,
    reduction: `\`${lastBatch.reduction}\``,
    batch: `a last batch of ${lastBatch.last_batch_size} of ${lastBatch.batch_size}`,
    agrees: Math.abs(Math.log(m / p)) <= AGREEMENT,
  };
}

/** A ratio not significantly away from 1: the noise of single steps, compared with nothing. */
function noiseNote(words: RatioWords, pValue: number, source: ReductionSource): string {
  return `The measured ${words.measured} is not significantly away from 1 (t test on the ` +
    `per-epoch log ratios, p = ${fmt(pValue)}): it is the noise of single steps, ` +
    `not a reduction's factor, so none is inferred from it; ${words.reduction}${
      source === "assumed" ? " is assumed" : " is as given"
    } (it predicts ${words.predicted} for ${words.batch}).`;
}

/** A given or assumed reduction held against the measured ratio: agrees, or what else to look at. */
function comparisonNote(
  words: RatioWords,
  measured: MeasuredLastBatch,
  lastBatch: LastBatchAnswer,
  source: ReductionSource,
): string {
  const said = `The measured ${words.measured} ${words.agrees ? "agrees" : "disagrees"} with the ` +
    `${words.predicted} that the reduction ` +
    `${words.reduction}${source === "assumed" ? " (assumed: none was given)" : ""} predicts for ` +
    `${words.batch}`;
  if (words.agrees) return `${said}.`;
  const instead = measured.inferred_reduction && measured.inferred_reduction !== lastBatch.reduction
    ? `the measured ratio points to \`${measured.inferred_reduction}\` instead: check how the ` +
      "loss is reduced."
    : "no reduction explains it: look for what else is special about the end of an epoch " +
      "(data sorted by length or class, a sampler that pads).";
  return `${said}: ${instead}`;
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/**
 * Does the measured last-batch jump agree with the one the configuration predicts?
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
 * lastBatchAgreement(spikes, lastBatch, "given");
 * // ["The measured 4.03× (3.46–4.7 over 10 epochs) agrees with the 4× that the reduction …"]
 * ```
 */
import type { LastBatchAnswer } from "../batch/mod.ts";
import type { SpikeReport } from "../spikes/mod.ts";
import type { ReductionSource } from "./types.ts";

/** Largest |ln(measured ÷ predicted)| still called agreement. */
const AGREEMENT = Math.log(1.25);

export function lastBatchAgreement(
  spikes: SpikeReport,
  lastBatch: LastBatchAnswer,
  source: ReductionSource,
): string[] {
  const notes: string[] = [];
  const configuredSteps = lastBatch.per_rank?.steps_per_epoch ?? lastBatch.steps_per_epoch;
  const curveSteps = spikes.epoch_alignment?.steps_per_epoch;
  if (curveSteps !== undefined && curveSteps !== configuredSteps) {
    notes.push(
      `steps_per_epoch = ${curveSteps} was used for the loss curve, but dataset_size and ` +
        `batch_size give ${configuredSteps} steps per epoch${
          lastBatch.world_size > 1 ? " per rank" : ""
        }: check which one the run had.`,
    );
    return notes;
  }
  const measured = spikes.last_batch;
  if (!measured || !(measured.measured_ratio > 0)) return notes;
  const m = measured.measured_ratio, p = lastBatch.loss_scale;
  const range = measured.min_ratio !== null && measured.max_ratio !== null
    ? ` (${fmt(measured.min_ratio)}–${fmt(measured.max_ratio)} over ${measured.epochs} epochs)`
    : "";
  const agrees = Math.abs(Math.log(m / p)) <= AGREEMENT;
  const reduction = `\`${lastBatch.reduction}\``;
  const batch = `a last batch of ${lastBatch.last_batch_size} of ${lastBatch.batch_size}`;
  if (!measured.significant) {
    // Noise around 1 neither confirms nor contradicts a reduction: say so, and nothing more.
    notes.push(
      `The measured ${fmt(m)}×${range} is not significantly away from 1 (t test on the ` +
        `per-epoch log ratios, p = ${fmt(measured.p_value)}): it is the noise of single steps, ` +
        `not a reduction's factor, so none is inferred from it; ${reduction}${
          source === "assumed" ? " is assumed" : " is as given"
        } (it predicts ${fmt(p)}× for ${batch}).`,
    );
    return notes;
  }
  if (source === "inferred") {
    notes.push(
      `No reduction was given: the measured ${fmt(m)}×${range} points to ${reduction}, which ` +
        `predicts ${fmt(p)}× for ${batch}; the configuration's prediction uses it.`,
    );
  } else if (agrees) {
    notes.push(
      `The measured ${fmt(m)}×${range} agrees with the ${fmt(p)}× that the reduction ` +
        `${reduction}${source === "assumed" ? " (assumed: none was given)" : ""} predicts for ` +
        `${batch}.`,
    );
  } else {
    const instead =
      measured.inferred_reduction && measured.inferred_reduction !== lastBatch.reduction
        ? `the measured ratio points to \`${measured.inferred_reduction}\` instead: check how the ` +
          "loss is reduced."
        : "no reduction explains it: look for what else is special about the end of an epoch " +
          "(data sorted by length or class, a sampler that pads).";
    notes.push(
      `The measured ${fmt(m)}×${range} disagrees with the ${fmt(p)}× that the reduction ` +
        `${reduction}${source === "assumed" ? " (assumed: none was given)" : ""} predicts for ` +
        `${batch}: ${instead}`,
    );
  }
  return notes;
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

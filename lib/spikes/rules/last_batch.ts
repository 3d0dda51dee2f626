import { explainMeasuredRatio, type MeasuredRatioExplanation } from "../../batch/mod.ts";
import type { Finding } from "../../findings/mod.ts";
import type { BoundaryRatios } from "../boundary_ratios.ts";
import type { SpikeOptions } from "../types.ts";
import { asAlternative, boundaryRole } from "./boundary_alternative.ts";
import type { Evidence } from "./evidence.ts";
import { fmt } from "./format.ts";
import { BATCH_FREE_LOSS, CLIP, DROP_LAST } from "./remedies.ts";

/**
 * The last, partial batch of every epoch, as a spike or as a dip: the finding both
 * `last-batch-spike` and `last-batch-dip` raise (`last_batch_spike.ts`, `last_batch_dip.ts`).
 *
 * Why: a loss whose magnitude depends on the batch size is off at the batch that is smaller
 * (the Keras SSD report: loss divided by the positives, then again by the batch size — a spike);
 * a summed loss shrinks with the batch (a dip). The evidence states the measured ratio at the
 * last step, and, with the data loader's arguments, which reduction predicts it.
 *
 * The last-batch finding in direction `up`, when the reading puts the period there (as the
 * alternative, "Or: …", when it is the second reading).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { evidenceOf } from "../analyze_spikes.ts";
 * import { excursions } from "../excursions.ts";
 * import { findSpikePeriod } from "../find_spike_period.ts";
 * import { listSpikes } from "../list_spikes.ts";
 * import { locate } from "../locate.ts";
 * import { prepare } from "../prepare.ts";
 * import { stepAxis } from "../step_axis.ts";
 * import { lastBatchRule } from "./last_batch.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples, batches of 32), 4× at the last step of each
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(lastBatchRule(evidence, true)?.id, "last-batch-spike");
 * assertEquals(lastBatchRule(evidence, false), null); // a spike, not a dip
 * ```
 */
export function lastBatchRule(e: Evidence, up: boolean): Finding | null {
  const role = boundaryRole(e, "last-step");
  if (!role || (e.found!.kind === "spikes-up") !== up) return null;
  const finding = lastBatchFinding(e, up);
  return role === "primary" ? finding : asAlternative(e, finding);
}

function lastBatchFinding(e: Evidence, up: boolean): Finding {
  const { layout } = e;
  const dropped = e.options.dropLast
    ? " drop_last is already set, so the last batch is full: look for what else is special about the end of the epoch (data sorted by length or class, a sampler that pads)."
    : "";
  return {
    id: up ? "last-batch-spike" : "last-batch-dip",
    severity: "warning",
    title: up
      ? "The loss spikes at the last, partial batch of every epoch"
      : "The loss dips at the last, partial batch of every epoch",
    evidence:
      `period ${e.periodicity.period} steps = ${
        layout!.stepsPerEpoch
      } steps per epoch, phase ${e.periodicity.phase}: ${measured(e)}.${batchText(e)}${
        inferredText(e.explanation)
      }${dropped}` +
      (up
        ? " A loss that grows as the batch shrinks is normalised by something proportional to the batch and then divided by the batch size again; the momentum carries the oversized step into the following ones."
        : " A summed (not averaged) loss shrinks with the batch: the last batch's gradient is too small and the learning rate is effectively tied to the batch size."),
    remedies: up ? [DROP_LAST, BATCH_FREE_LOSS, CLIP] : [
      "Average instead of summing: `reduction='mean'` (or divide the summed loss by a constant, the full batch size), so the step size does not depend on the batch.",
      DROP_LAST,
    ],
  };
}

function measured(e: Evidence): string {
  const last = e.last;
  const ratio = last?.median ?? null;
  if (ratio === null) return "the spikes fall on the last step of every epoch";
  const range = last && last.min !== null ? ` (${fmt(last.min)}–${fmt(last.max!)})` : "";
  return `the loss at the last step of each epoch is ${
    fmt(ratio)
  }×${range} the median of the 10 steps before it, over ${last!.epochs} epochs`;
}

function batchText(e: Evidence): string {
  const layout = e.layout!;
  return layout.lastBatchSize !== null && layout.batchSize !== null
    ? ` The last batch holds ${layout.lastBatchSize} of ${layout.batchSize} samples (B/r = ${
      fmt(layout.batchSize / layout.lastBatchSize)
    }).`
    : "";
}

function inferredText(explanation: MeasuredRatioExplanation | null): string {
  if (!explanation) return "";
  if (explanation.significance && !explanation.significance.significant) {
    return ` The per-epoch ratios are not significantly away from 1 (t test on their logs, p = ${
      explanation.significance.p_value.toPrecision(2)
    }, over ${explanation.significance.epochs} epochs): no reduction is inferred from them.`;
  }
  if (explanation.inferred_reduction) {
    return ` The ratio points to the reduction \`${explanation.inferred_reduction}\` (loss ∝ b^(1−k), k = ${
      explanation.k!.toFixed(2)
    }): it predicts ${fmt(explanation.predicted_ratio!)}× against ${
      fmt(explanation.measured_ratio)
    }× measured.`;
  }
  if (explanation.predicted_ratio === 1) {
    return ` With a full last batch every reduction predicts 1×, so the reduction does not explain the ${
      fmt(explanation.measured_ratio)
    }× measured.`;
  }
  return ` No named reduction predicts ${fmt(explanation.measured_ratio)}× (mean 1×, sum ${
    fmt(explanation.predicted_ratios.sum)
  }×, per-item-then-batch-mean ${fmt(explanation.predicted_ratios.per_item_then_batch_mean)}×).`;
}

/**
 * Which reduction explains the measured last-batch ratio (the last-batch model run backwards),
 * when the data loader's arguments are known.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { BoundaryRatios } from "../boundary_ratios.ts";
 * import { explainLastBatch } from "./last_batch.ts";
 * // the last step measured at 4× in every epoch, 5000 samples in batches of 32 (a last one of 8)
 * const last: BoundaryRatios = {
 *   median: 4, min: 3.9, max: 4.1, epochs: 10, spikeShare: 1,
 *   indices: [], ratios: [3.9, 4, 4.1, 4, 3.95, 4.05, 4, 4, 3.98, 4.02],
 * };
 * const explanation = explainLastBatch({ datasetSize: 5000, batchSize: 32 }, last);
 * assertEquals(explanation?.inferred_reduction, "per_item_then_batch_mean"); // (8/32)^(1−2) = 4
 * assertEquals(explainLastBatch({}, last), null); // needs the data loader's arguments
 * ```
 */
export function explainLastBatch(
  options: SpikeOptions,
  last: BoundaryRatios | null,
): MeasuredRatioExplanation | null {
  const { datasetSize, batchSize, dropLast } = options;
  const ratio = last?.median;
  if (datasetSize === undefined || batchSize === undefined || !(ratio! > 0)) return null;
  return explainMeasuredRatio({
    datasetSize,
    batchSize,
    dropLast,
    measuredRatio: ratio!,
    epochRatios: last?.ratios,
  });
}

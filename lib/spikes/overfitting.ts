import { median, tTestTwoSample } from "simple-statistics";
import { studentTwoSidedTail } from "../series/mod.ts";
import type { Finding } from "../findings/mod.ts";
import { EVAL_TREND, evalLossTrend, type EvalTrend } from "./eval_trend.ts";
import type { SideSeries } from "./types.ts";

/** Share of the span from the best evaluation to the last compared at each end. */
const END_SHARE = 0.25;

/** The evidence of overfitting. */
export interface Overfitting {
  /** The eval loss's rise after its best point. */
  trend: EvalTrend;
  /** Median training loss at the start and at the end of the span after the best evaluation. */
  trainFrom: number;
  /** Median training loss at the end of that span. */
  trainTo: number;
  /** One-sided p that the training loss of the end lies below that of the start. */
  trainP: number;
}

/**
 * `overfitting`: the eval loss rises significantly after its best point while the training loss
 * keeps falling — the model learns its training set at the expense of everything else.
 *
 * Why: a falling training loss looks like success, and a rising eval loss in a separate plot is
 * easy to miss; the step of the lowest eval loss is the checkpoint to keep. The rise is judged by
 * {@linkcode evalLossTrend} (significance from the evaluations' own scatter); the training loss
 * "falls" when its last quarter, over the span from the best evaluation to the last, lies
 * significantly below its first quarter: a two-sample t test on ln(loss), one-sided, at the level
 * of the eval test. Both must hold: a flat run at chance (Hidden_Markov_Miracles' val loss at
 * ln 2 for 50 epochs) drifts its eval loss up by 0.03 % "significantly", but its training loss
 * only wanders.
 *
 * Cost: O(n) for n loss points.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { overfitting, overfittingFinding } from "./overfitting.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // the training loss keeps falling (a point every 25 steps), the eval loss rises after step 1000
 * const loss = Float64Array.from({ length: 200 }, (_, i) => (1 + 0.01 * noise()) / (1 + i / 20));
 * const evalLoss = {
 *   steps: Float64Array.of(1000, 2000, 3000, 4000, 5000),
 *   values: Float64Array.of(0.307, 0.356, 0.421, 0.452, 0.468),
 * };
 * const found = overfitting(loss, (i) => 25 * (i + 1), evalLoss);
 * assertEquals([found?.trend.bestStep, (found?.trainP ?? 1) < 0.01], [1000, true]);
 * assertEquals(overfittingFinding(found!).id, "overfitting");
 * ```
 */
export function overfitting(
  loss: Float64Array,
  stepOf: (index: number) => number,
  evalLoss: SideSeries | undefined,
): Overfitting | null {
  const trend = evalLossTrend(evalLoss);
  if (!trend?.rising) return null;
  const span = trend.lastStep - trend.bestStep;
  const early: number[] = [], late: number[] = [];
  for (let i = 0; i < loss.length; i++) {
    const step = stepOf(i);
    if (!Number.isFinite(loss[i]) || step < trend.bestStep || step > trend.lastStep) continue;
    if (!(loss[i] > 0)) continue;
    if (step <= trend.bestStep + END_SHARE * span) early.push(Math.log(loss[i]));
    if (step >= trend.lastStep - END_SHARE * span) late.push(Math.log(loss[i]));
  }
  if (early.length < 2 || late.length < 2) return null;
  const t = tTestTwoSample(early, late, 0) ?? 0;
  const two = studentTwoSidedTail(t, early.length + late.length - 2);
  const trainP = t > 0 ? two / 2 : 1 - two / 2;
  if (trainP > EVAL_TREND.alpha) return null;
  return { trend, trainFrom: Math.exp(median(early)), trainTo: Math.exp(median(late)), trainP };
}

/** The finding, with the step to stop at. */
export function overfittingFinding(o: Overfitting): Finding {
  const { trend } = o;
  const rise = 100 * (trend.last / trend.best - 1);
  return {
    id: "overfitting",
    severity: "warning",
    title:
      `The eval loss rises while the training loss falls: overfitting since step ${trend.bestStep}`,
    evidence: `the eval loss was lowest at step ${trend.bestStep} (${
      fmt(trend.best)
    }) and rose to ${fmt(trend.last)} at step ${trend.lastStep} (+${
      rise.toFixed(0)
    } %) over the ${trend.after} evaluations after it (upward slope, one-sided p = ${
      trend.p.toExponential(1)
    }), while the training loss fell from ${fmt(o.trainFrom)} to ${
      fmt(o.trainTo)
    } (medians of the first and last quarter of that span, one-sided p = ${
      o.trainP.toExponential(1)
    }). The model is fitting its training set at the expense of held-out data.`,
    remedies: [
      `Stop at the best evaluation: keep the checkpoint of step ${trend.bestStep}. Hugging Face: \`load_best_model_at_end=True, metric_for_best_model="eval_loss"\` with \`EarlyStoppingCallback(early_stopping_patience=2)\`; Keras: \`EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)\`; Lightning: \`EarlyStopping("val_loss")\` and \`ModelCheckpoint(monitor="val_loss")\`.`,
      "Regularise: weight decay (0.01–0.1 with AdamW), dropout (for LoRA, `lora_dropout=0.05–0.1`, or a lower rank), label smoothing, data augmentation.",
      "More data, or deduplicated data (repeated examples are memorised first); fewer epochs or a lower learning rate for a small fine-tuning set.",
    ],
  };
}

function fmt(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3)
    ? x.toExponential(2)
    : Number(x.toPrecision(3)).toString();
}

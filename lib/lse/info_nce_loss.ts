import { type Evaluation, logSumExpParts, type LseOptions } from "./log_sum_exp.ts";
import { OpEvaluator } from "./op_evaluator.ts";

/**
 * The InfoNCE loss of one row of logits: the cross-entropy −log softmax(row)[target], op by op.
 *
 * InfoNCE (van den Oord et al., "Representation learning with contrastive predictive coding",
 * 2018; SimCSE, CLIP) is `F.cross_entropy(q @ k.T / τ, arange(B))`: row i's positive is column i,
 * the other columns are its in-batch negatives. loss = log Σⱼ exp(ℓⱼ − shift) − (ℓ_target − shift);
 * the naive form (shift 0) is log Σ exp ℓⱼ − ℓ_target. At uniform logits the loss is ln B; with
 * the positive far above every negative it tends to 0; with one negative far above the positive it
 * grows like (ℓ_neg − ℓ_pos). O(n).
 *
 * @throws {RangeError} when `target` is not an index of `row`, or `row` is empty.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { infoNceLoss } from "./info_nce_loss.ts";
 * // Uniform logits: ln 4.
 * const uniform = infoNceLoss([0, 0, 0, 0], 0, { method: "stable", format: "fp32" });
 * assertAlmostEquals(uniform.value, Math.log(4), 1e-6);
 * // A negative 20 above the positive: the naive form overflows in fp16 (e²⁰ > 65504) ...
 * const naive = infoNceLoss([0, 20, 0, 0], 0, { method: "naive", format: "fp16" });
 * assertEquals(naive.value, Infinity);
 * assertEquals(naive.trace?.stage, "exp");
 * // ... the stable one answers ≈ 20.
 * assertEquals(infoNceLoss([0, 20, 0, 0], 0, { method: "stable", format: "fp16" }).value, 20);
 * ```
 */
export function infoNceLoss(
  row: ArrayLike<number>,
  target: number,
  options: LseOptions,
): Evaluation {
  if (!Number.isInteger(target) || target < 0 || target >= row.length) {
    throw new RangeError(`target must be an index in [0, ${row.length}), found ${target}`);
  }
  const ev = new OpEvaluator(
    options.format,
    options.accumulate ?? options.format,
    options.semantics,
  );
  const xs = ev.inputs(row);
  const { shift, logSum } = logSumExpParts(xs, options.method, ev);
  const t = xs[target];
  const d = shift === 0 ? t : ev.op("subtract", target, t - shift, ev.format, t, shift);
  const value = ev.op("subtract", target, logSum - d, ev.format, logSum, d);
  return { value, trace: ev.first };
}

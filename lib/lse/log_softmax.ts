import { type Evaluation, logSumExpParts, type LseOptions } from "./log_sum_exp.ts";
import { OpEvaluator } from "./op_evaluator.ts";

/**
 * log_softmax(x)ᵢ = (xᵢ − shift) − log Σⱼ exp(xⱼ − shift), op by op in a format.
 *
 * The stable and online forms are what `F.log_softmax` computes; the naive form (shift 0) is
 * `x - torch.log(torch.exp(x).sum())`, which overflows with the exp. Each difference is rounded to
 * the element format. O(n).
 *
 * Edge cases: as {@linkcode logSumExp}; a +Infinity input gives NaN everywhere (inf − inf).
 *
 * @throws {RangeError} for an empty vector. @throws {TypeError} for a non-number element.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logSoftmax } from "./log_softmax.ts";
 * const { value } = logSoftmax([0, 0], { method: "stable", format: "fp32" });
 * assertEquals(value, [Math.fround(-Math.LN2), Math.fround(-Math.LN2)]); // -0.6931472 each
 * assertEquals(logSoftmax([20, 0], { method: "naive", format: "fp16" }).trace?.stage, "exp");
 * ```
 */
export function logSoftmax(x: ArrayLike<number>, options: LseOptions): Evaluation<number[]> {
  const ev = new OpEvaluator(
    options.format,
    options.accumulate ?? options.format,
    options.semantics,
  );
  const xs = ev.inputs(x);
  const { shift, logSum } = logSumExpParts(xs, options.method, ev);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const d = shift === 0 ? xs[i] : ev.op("subtract", i, xs[i] - shift, ev.format, xs[i], shift);
    out[i] = ev.op("subtract", i, d - logSum, ev.format, d, logSum);
  }
  return { value: out, trace: ev.first };
}

import type { LseParts, OpEvaluator } from "./op_evaluator.ts";

/**
 * The naive log-sum-exp, log(Σ exp xᵢ), op by op: what a hand-written softmax computes.
 *
 * It overflows as soon as one exp does: above ln(max) of the element format, ≈ 11.09 in fp16,
 * ≈ 88.72 in fp32 and bf16; and the sum overflows when B·e^max x exceeds the format's max. That is
 * why every framework subtracts the maximum first ({@linkcode stableLogSumExp}). Each exp is
 * rounded to the element format, the sum is accumulated left to right in the accumulation
 * format and stored in the element format (as `torch.sum` on a half tensor does), and the log is
 * rounded to the element format. O(n).
 *
 * Edge cases: an empty vector is rejected by the caller; −Infinity elements contribute 0; one
 * +Infinity or NaN element makes the result non-finite, and the evaluator's trace says where.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { naiveLogSumExp } from "./naive_log_sum_exp.ts";
 * import { OpEvaluator } from "./op_evaluator.ts";
 * const ev = new OpEvaluator("fp16", "fp32");
 * assertEquals(naiveLogSumExp([12, 0], ev).logSum, Infinity); // e¹² > 65504
 * assertEquals(ev.first?.stage, "exp");
 * ```
 */
export function naiveLogSumExp(xs: readonly number[], ev: OpEvaluator): LseParts {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = ev.op("exp", i, Math.exp(xs[i]), ev.format, xs[i]);
    sum = ev.op("sum", i, sum + e, ev.accumulate, sum, e);
  }
  const stored = ev.op("sum", null, sum, ev.format, sum);
  const logSum = ev.op("log", null, Math.log(stored), ev.format, stored);
  return { shift: 0, sum: stored, logSum };
}

/**
 * The max-shifted log-sum-exp, m + log(Σ exp(xᵢ − m)) with m = max xᵢ, op by op: what
 * `torch.logsumexp`, `log_softmax` and `cross_entropy` compute.
 *
 * Every exp(xᵢ − m) is at most 1 and the largest is exactly 1, so neither the exps nor the sum
 * (≤ n) can overflow for finite inputs, and the log cannot underflow to −Infinity (sum ≥ 1).
 * Two passes: the max, then the shifted sum, accumulated left to right in the accumulation
 * format and stored in the element format. O(n).
 *
 * Edge cases: the literal formula is kept when the max is +Infinity, so `inf − inf` gives NaN at
 * the "subtract" stage: that is how an overflowed logit turns a softmax, log_softmax or
 * cross-entropy into NaN. (`torch.logsumexp` alone special-cases an infinite max and returns inf.)
 * When every element is −Infinity the shift is taken as 0, as PyTorch does, and the result is
 * −Infinity. A NaN element makes the max NaN.
 *
 * @example
 * ```ts
 * const ev = new OpEvaluator("fp16", "fp32");
 * stableLogSumExp([1000, 0], ev); // { shift: 1000, sum: 1, logSum: 0 }: lse 1000, where naive overflows
 * ```
 */
import type { LseParts, OpEvaluator } from "./op_evaluator.ts";

/** The largest element; NaN if any element is NaN. */
export function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) {
    if (x !== x) return NaN;
    if (x > m) m = x;
  }
  return m;
}

export function stableLogSumExp(xs: readonly number[], ev: OpEvaluator): LseParts {
  const m = maxOf(xs);
  const shift = m === -Infinity ? 0 : m;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = ev.op("subtract", i, xs[i] - shift, ev.format, xs[i], shift);
    const e = ev.op("exp", i, Math.exp(d), ev.format, d);
    sum = ev.op("sum", i, sum + e, ev.accumulate, sum, e);
  }
  const stored = ev.op("sum", null, sum, ev.format, sum);
  const logSum = ev.op("log", null, Math.log(stored), ev.format, stored);
  return { shift, sum: stored, logSum };
}

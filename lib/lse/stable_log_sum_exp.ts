import type { LseParts, OpEvaluator } from "./op_evaluator.ts";

/**
 * The largest element; NaN if any element is NaN (`Math.max` semantics, without spreading a long
 * array onto the stack). −Infinity for an empty array. O(n).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { maxOf } from "./stable_log_sum_exp.ts";
 * assertEquals(maxOf([1, 5, 3]), 5);
 * assertEquals(maxOf([1, NaN, 3]), NaN);
 * ```
 */
export function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) {
    if (x !== x) return NaN;
    if (x > m) m = x;
  }
  return m;
}

/** What to shift by when the max is ±Infinity: "keep" it (IEEE), or "zero" (torch.logsumexp). */
export type InfiniteMax = "keep" | "zero";

/**
 * The max-shifted log-sum-exp, m + log(Σ exp(xᵢ − m)) with m = max xᵢ, op by op: what
 * `torch.logsumexp`, `log_softmax` and `cross_entropy` compute.
 *
 * Every exp(xᵢ − m) is at most 1 and the largest is exactly 1, so neither the exps nor the sum
 * (≤ n) can overflow for finite inputs, and the log cannot underflow to −Infinity (sum ≥ 1).
 * Two passes: the max, then the shifted sum, accumulated left to right in the accumulation
 * format and stored in the element format. O(n).
 *
 * Edge cases, `infiniteMax`: with `"keep"` (the default) the literal formula is kept when the max
 * is +Infinity, so `inf − inf` gives NaN at the "subtract" stage: that is how an overflowed logit
 * turns a softmax, log_softmax or cross-entropy into NaN (recorded: torch 1.13's `log_softmax` of
 * [1, inf, 2] is NaN everywhere). With `"zero"` an infinite max is taken as 0 before shifting, as
 * `torch.logsumexp` does (`aten/src/ATen/native/ReduceOps.cpp`, `logsumexp_out_impl`:
 * `maxes.masked_fill_(maxes.abs() == INFINITY, 0)`), so a row holding +Infinity gives +Infinity.
 * Either way, when every element is −Infinity the shift is 0 and the result is −Infinity, and a NaN
 * element makes the max NaN and the result NaN.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { OpEvaluator } from "./op_evaluator.ts";
 * import { stableLogSumExp } from "./stable_log_sum_exp.ts";
 * const ev = new OpEvaluator("fp16", "fp32");
 * // lse = 1000 + 0, where the naive form overflows:
 * assertEquals(stableLogSumExp([1000, 0], ev), { shift: 1000, sum: 1, logSum: 0 });
 * // An infinite max: NaN kept (softmax), or zeroed as torch.logsumexp does.
 * assertEquals(stableLogSumExp([1, Infinity], new OpEvaluator("fp16")).logSum, NaN);
 * assertEquals(stableLogSumExp([1, Infinity], new OpEvaluator("fp16"), "zero").logSum, Infinity);
 * ```
 */
export function stableLogSumExp(
  xs: readonly number[],
  ev: OpEvaluator,
  infiniteMax: InfiniteMax = "keep",
): LseParts {
  const m = maxOf(xs);
  const shift = m === -Infinity || (infiniteMax === "zero" && m === Infinity) ? 0 : m;
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

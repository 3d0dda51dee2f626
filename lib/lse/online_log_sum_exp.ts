import type { LseParts, OpEvaluator } from "./op_evaluator.ts";

/**
 * The one-pass (online) log-sum-exp: a running max m and a running sum s of exp(xᵢ − m), the sum
 * rescaled by exp(m_old − m_new) whenever the max grows.
 *
 * Milakov & Gimelshein, "Online normalizer calculation for softmax" (2018), Algorithm 3; the same
 * recurrence FlashAttention (Dao et al., 2022) runs per tile: s ← s·e^(m_old − m_new) + e^(xᵢ − m_new).
 * It reads the input once and is as overflow-proof as the two-pass stable form: every exp argument
 * is ≤ 0. The differences and exps of elements are rounded to the element format; the rescale
 * factor, the rescaled sum and the running sum to the accumulation format (FlashAttention keeps its
 * running statistics in fp32). O(n), one pass.
 *
 * Edge cases: leading −Infinity elements are skipped (they contribute 0, and −inf − (−inf) is never
 * formed); a +Infinity element makes m = +Infinity and inf − inf = NaN at the "subtract" stage, as in
 * the two-pass form; all −Infinity gives −Infinity.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { onlineLogSumExp } from "./online_log_sum_exp.ts";
 * import { OpEvaluator } from "./op_evaluator.ts";
 * const ev = new OpEvaluator("fp16", "fp32");
 * assertEquals(onlineLogSumExp([1, 2, 3], ev), {
 *   shift: 3, sum: 1.5029296875, logSum: 0.407470703125,
 * });
 * // Every element masked: log 0.
 * assertEquals(onlineLogSumExp([-Infinity, -Infinity], ev).logSum, -Infinity);
 * ```
 */
export function onlineLogSumExp(xs: readonly number[], ev: OpEvaluator): LseParts {
  let m = -Infinity;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x > m) {
      if (sum !== 0) {
        const d = ev.op("subtract", i, m - x, ev.format, m, x);
        const factor = ev.op("exp", i, Math.exp(d), ev.accumulate, d);
        sum = ev.op("rescale", i, sum * factor, ev.accumulate, sum, factor);
      }
      m = x;
    }
    if (m === -Infinity && x === -Infinity) continue;
    const d = ev.op("subtract", i, x - m, ev.format, x, m);
    const e = ev.op("exp", i, Math.exp(d), ev.format, d);
    sum = ev.op("sum", i, sum + e, ev.accumulate, sum, e);
  }
  const shift = m === -Infinity ? 0 : m;
  const stored = ev.op("sum", null, sum, ev.format, sum);
  const logSum = ev.op("log", null, Math.log(stored), ev.format, stored);
  return { shift, sum: stored, logSum };
}

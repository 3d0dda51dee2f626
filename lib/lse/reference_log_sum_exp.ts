/**
 * log Σ exp xᵢ in fp64, as accurately as fp64 allows: the reference the emulated values are
 * measured against (in ulps of their format).
 *
 * m + log1p(Σ_{i≠k} exp(xᵢ − m)) with k the index of the max m: exp(xᵢ − m) ≤ 1 cannot overflow,
 * the sum is Neumaier-compensated (Neumaier 1974, the improved Kahan–Babuška sum), and log1p keeps
 * the digits of a sum close to 0. The result is within a few fp64 ulps of the exact value, far
 * below one ulp of fp32, fp16 or bf16. O(n).
 *
 * Edge cases: NaN in → NaN; a +Infinity element → +Infinity (the mathematical value, unlike the
 * NaN of a literal max-shift); all −Infinity → −Infinity.
 *
 * @throws {RangeError} for an empty vector.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { referenceLogSumExp } from "./reference_log_sum_exp.ts";
 * assertEquals(referenceLogSumExp([1000, 1000]), 1000.6931471805599);
 * assertEquals(referenceLogSumExp([1, Infinity]), Infinity);
 * assertEquals(referenceLogSumExp([-Infinity, -Infinity]), -Infinity);
 * ```
 */
export function referenceLogSumExp(x: ArrayLike<number>): number {
  if (x.length === 0) throw new RangeError("expected at least one number, found an empty vector");
  let m = -Infinity;
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) return NaN;
    if (v > m) {
      m = v;
      k = i;
    }
  }
  if (m === Infinity || m === -Infinity) return m;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < x.length; i++) {
    if (i === k) continue;
    const term = Math.exp(x[i] - m);
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
  }
  return m + Math.log1p(sum + compensation);
}

import { type Evaluation, logSumExpParts, type LseOptions } from "./log_sum_exp.ts";
import { OpEvaluator } from "./op_evaluator.ts";

/**
 * softmax(x)ᵢ = exp(xᵢ − shift) / Σⱼ exp(xⱼ − shift), op by op in a format, by the naive
 * (shift 0), stable (shift = max) or online (normaliser in one pass, then a second pass to
 * divide, Milakov & Gimelshein 2018) method.
 *
 * The naive form is what a hand-written softmax does: e^xᵢ overflows above ln(max) of the format
 * (≈ 11.09 in fp16) and inf / inf is NaN. The stable forms cannot overflow for finite inputs. Each
 * exp and each quotient is rounded to the element format. O(n).
 *
 * Edge cases: as {@linkcode logSumExp}; a +Infinity input gives NaN everywhere (inf − inf), the trace
 * says where it started.
 *
 * @throws {RangeError} for an empty vector. @throws {TypeError} for a non-number element.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { softmax } from "./softmax.ts";
 * assertEquals(softmax([20, 0], { method: "naive", format: "fp16" }).trace?.stage, "exp"); // e²⁰
 * // e⁻²⁰ ≈ 2.06e-9 is below fp16's smallest subnormal, 2⁻²⁴ ≈ 5.96e-8:
 * assertEquals(softmax([20, 0], { method: "stable", format: "fp16" }).value, [1, 0]);
 * ```
 */
export function softmax(x: ArrayLike<number>, options: LseOptions): Evaluation<number[]> {
  const ev = new OpEvaluator(
    options.format,
    options.accumulate ?? options.format,
    options.semantics,
  );
  const xs = ev.inputs(x);
  const { shift, sum } = logSumExpParts(xs, options.method, ev);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const d = shift === 0 ? xs[i] : ev.op("subtract", i, xs[i] - shift, ev.format, xs[i], shift);
    const e = ev.op("exp", i, Math.exp(d), ev.format, d);
    out[i] = ev.op("divide", i, e / sum, ev.format, e, sum);
  }
  return { value: out, trace: ev.first };
}

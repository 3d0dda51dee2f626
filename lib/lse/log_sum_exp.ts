import type { Format, Semantics } from "../fp/mod.ts";
import { naiveLogSumExp } from "./naive_log_sum_exp.ts";
import { onlineLogSumExp } from "./online_log_sum_exp.ts";
import { type LseMethod, type LseParts, type NonFiniteTrace, OpEvaluator } from "./op_evaluator.ts";
import { type InfiniteMax, stableLogSumExp } from "./stable_log_sum_exp.ts";

/** How to evaluate: the method, the element format, the accumulation format, the semantics. */
export interface LseOptions {
  /** Naive, max-shifted (stable) or one-pass (online). */
  method: LseMethod;
  /** The element format: inputs, exps and results are rounded to it. */
  format: Format;
  /** The format of running sums; defaults to `format`. */
  accumulate?: Format;
  /** PyTorch's conversions and ±inf rule (`"torch"`, the default) or IEEE's (`"ieee"`). */
  semantics?: Semantics;
}

/** A value and where its first non-finite intermediate appeared (null if none did). */
export interface Evaluation<T = number> {
  /** The result, in the element format. */
  value: T;
  /** Where the first inf/NaN appeared, or null. */
  trace: NonFiniteTrace | null;
}

/**
 * Runs one method on inputs already rounded to the evaluator's format. `infiniteMax` is the
 * stable method's rule for a ±Infinity max (see `stableLogSumExp`): softmax, log_softmax and
 * cross-entropy keep it (NaN), only `logSumExp` under torch semantics zeroes it. O(n).
 *
 * @throws {TypeError} for an unknown method.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logSumExpParts } from "./log_sum_exp.ts";
 * import { OpEvaluator } from "./op_evaluator.ts";
 * const ev = new OpEvaluator("fp16", "fp32");
 * assertEquals(logSumExpParts([1, 2, 3], "online", ev), {
 *   shift: 3, sum: 1.5029296875, logSum: 0.407470703125,
 * });
 * ```
 */
export function logSumExpParts(
  xs: readonly number[],
  method: LseMethod,
  ev: OpEvaluator,
  infiniteMax: InfiniteMax = "keep",
): LseParts {
  switch (method) {
    case "naive":
      return naiveLogSumExp(xs, ev);
    case "stable":
      return stableLogSumExp(xs, ev, infiniteMax);
    case "online":
      return onlineLogSumExp(xs, ev);
    default:
      throw new TypeError(`unknown method ${JSON.stringify(method)}`);
  }
}

/**
 * shift + logSum, rounded to the element format (no op when the shift is 0, as in naive). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lseValue } from "./log_sum_exp.ts";
 * import { OpEvaluator } from "./op_evaluator.ts";
 * const ev = new OpEvaluator("fp16");
 * assertEquals(lseValue({ shift: 3, sum: 1.50390625, logSum: 0.407958984375 }, ev), 3.408203125);
 * ```
 */
export function lseValue(parts: LseParts, ev: OpEvaluator): number {
  if (parts.shift === 0) return parts.logSum;
  return ev.op("add", null, parts.shift + parts.logSum, ev.format, parts.shift, parts.logSum);
}

/**
 * log Σ exp xᵢ evaluated op by op in a floating-point format, by the naive, the max-shifted
 * (stable) or the one-pass (online) method, with the trace of the first non-finite value.
 *
 * Inputs are converted to the element format first (an input the format cannot hold, such as
 * 70000 in fp16, is reported at stage "input"); then each method runs as documented in its file.
 * The accumulation format defaults to the element format. O(n).
 *
 * `semantics` (default `"torch"`) is what `torch.logsumexp` does where it departs from the
 * textbook: inputs go to the format through fp32 (rounded twice, see `convert` in lib/fp), and the
 * stable method takes an infinite max as 0, so a row holding +Infinity gives +Infinity (IEEE's
 * literal m + log Σ exp(x − m) gives inf − inf = NaN). `"ieee"` rounds inputs once and keeps the
 * literal formula. The naive and online methods are not torch functions and follow the same
 * formula under both (naive already gives +Infinity; online gives NaN, as FlashAttention's
 * recurrence does).
 *
 * @throws {RangeError} for an empty vector. @throws {TypeError} for a non-number element.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logSumExp } from "./log_sum_exp.ts";
 * assertEquals(logSumExp([12, 0], { method: "naive", format: "fp16" }), {
 *   value: Infinity,
 *   trace: { stage: "exp", index: 0, operands: [12], value: Infinity, format: "fp16" },
 * });
 * assertEquals(logSumExp([12, 0], { method: "stable", format: "fp16" }).value, 12);
 * const withInf = [1, Infinity, 2];
 * assertEquals(logSumExp(withInf, { method: "stable", format: "bf16" }).value, Infinity);
 * assertEquals(
 *   logSumExp(withInf, { method: "stable", format: "bf16", semantics: "ieee" }).value,
 *   NaN,
 * );
 * ```
 */
export function logSumExp(x: ArrayLike<number>, options: LseOptions): Evaluation {
  const semantics = options.semantics ?? "torch";
  const ev = new OpEvaluator(options.format, options.accumulate ?? options.format, semantics);
  const xs = ev.inputs(x);
  const parts = logSumExpParts(xs, options.method, ev, semantics === "torch" ? "zero" : "keep");
  return { value: lseValue(parts, ev), trace: ev.first };
}

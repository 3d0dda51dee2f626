/**
 * log Σ exp xᵢ evaluated op by op in a floating-point format, by the naive, the max-shifted
 * (stable) or the one-pass (online) method, with the trace of the first non-finite value.
 *
 * Inputs are rounded to the element format first (an input the format cannot hold, such as 70000
 * in fp16, is reported at stage "input"); then each method runs as documented in its file. The
 * accumulation format defaults to the element format. O(n).
 *
 * @throws {RangeError} for an empty vector. @throws {TypeError} for a non-number element.
 * @example
 * ```ts
 * logSumExp([12, 0], { method: "naive", format: "fp16" });
 * // { value: Infinity, trace: { stage: "exp", index: 0, operands: [12], value: Infinity, format: "fp16" } }
 * logSumExp([12, 0], { method: "stable", format: "fp16" }).value; // 12
 * ```
 */
import type { Format } from "../fp/mod.ts";
import { naiveLogSumExp } from "./naive_log_sum_exp.ts";
import { onlineLogSumExp } from "./online_log_sum_exp.ts";
import { type LseMethod, type LseParts, type NonFiniteTrace, OpEvaluator } from "./op_evaluator.ts";
import { stableLogSumExp } from "./stable_log_sum_exp.ts";

/** How to evaluate: the method, the element format, the accumulation format. */
export interface LseOptions {
  method: LseMethod;
  format: Format;
  /** The format of running sums; defaults to `format`. */
  accumulate?: Format;
}

/** A value and where its first non-finite intermediate appeared (null if none did). */
export interface Evaluation<T = number> {
  value: T;
  trace: NonFiniteTrace | null;
}

/** Runs one method on inputs already rounded to the evaluator's format. */
export function logSumExpParts(
  xs: readonly number[],
  method: LseMethod,
  ev: OpEvaluator,
): LseParts {
  switch (method) {
    case "naive":
      return naiveLogSumExp(xs, ev);
    case "stable":
      return stableLogSumExp(xs, ev);
    case "online":
      return onlineLogSumExp(xs, ev);
    default:
      throw new TypeError(`unknown method ${JSON.stringify(method)}`);
  }
}

/** shift + logSum, rounded to the element format (no op when the shift is 0, as in naive). */
export function lseValue(parts: LseParts, ev: OpEvaluator): number {
  if (parts.shift === 0) return parts.logSum;
  return ev.op("add", null, parts.shift + parts.logSum, ev.format, parts.shift, parts.logSum);
}

export function logSumExp(x: ArrayLike<number>, options: LseOptions): Evaluation {
  const ev = new OpEvaluator(options.format, options.accumulate ?? options.format);
  const xs = ev.inputs(x);
  const parts = logSumExpParts(xs, options.method, ev);
  return { value: lseValue(parts, ev), trace: ev.first };
}

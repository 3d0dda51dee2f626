/**
 * Evaluates log-sum-exp of a vector (or of each row of a matrix) by several methods in one format,
 * and measures each result in ulps of that format against the fp64 reference.
 *
 * What `POST /v1/logsumexp` answers: which methods survive the format, how far off each is, and
 * where the first inf/NaN came from. The reference is {@linkcode referenceLogSumExp} of the
 * numbers as given, so when they are not representable in the format (0.1 in fp16, say) the ulps
 * include the rounding of the inputs; numbers taken from a tensor of that format carry none.
 * O(methods · elements).
 *
 * @throws {RangeError} for an empty vector or row.
 * @example
 * ```ts
 * compareLogSumExp([12, 0], { format: "fp16", methods: ["naive", "stable"] });
 * // results.naive: { value: Infinity, ulps: Infinity, trace: { stage: "exp", index: 0, … } }
 * // results.stable: { value: 12, ulps: 0.00079, trace: null }, reference: 12.000006144…
 * ```
 */
import { type Format, type Semantics, ulpError } from "../fp/mod.ts";
import { logSumExp } from "./log_sum_exp.ts";
import type { LseMethod, NonFiniteTrace } from "./op_evaluator.ts";
import { referenceLogSumExp } from "./reference_log_sum_exp.ts";

/** One method's answer: per row when the input is a matrix. */
export interface MethodReport {
  value: number | number[];
  ulps: number | number[];
  trace: NonFiniteTrace | null | (NonFiniteTrace | null)[];
}

/** Every method's answer and the fp64 reference. */
export interface LogSumExpReport {
  format: Format;
  /** The semantics the values were computed under (see `logSumExp`). */
  semantics: Semantics;
  accumulate: Format;
  results: Partial<Record<LseMethod, MethodReport>>;
  reference: number | number[];
}

/** The options: the format, the accumulation format (default: the format), the methods, the
 * semantics (default `"torch"`). */
export interface CompareOptions {
  format: Format;
  accumulate?: Format;
  methods: readonly LseMethod[];
  semantics?: Semantics;
}

export function compareLogSumExp(
  x: readonly number[] | readonly (readonly number[])[],
  options: CompareOptions,
): LogSumExpReport {
  const accumulate = options.accumulate ?? options.format;
  const semantics = options.semantics ?? "torch";
  const isMatrix = x.length > 0 && Array.isArray(x[0]);
  const rows = (isMatrix ? x : [x]) as readonly (readonly number[])[];
  const references = rows.map((row) => referenceLogSumExp(row));
  const results: Partial<Record<LseMethod, MethodReport>> = {};
  for (const method of options.methods) {
    const evaluations = rows.map((row) =>
      logSumExp(row, { method, format: options.format, accumulate, semantics })
    );
    const values = evaluations.map((e) => e.value);
    const ulps = values.map((v, i) => ulpError(v, references[i], options.format));
    const traces = evaluations.map((e) => e.trace);
    results[method] = isMatrix
      ? { value: values, ulps, trace: traces }
      : { value: values[0], ulps: ulps[0], trace: traces[0] };
  }
  return {
    format: options.format,
    semantics,
    accumulate,
    results,
    reference: isMatrix ? references : references[0],
  };
}

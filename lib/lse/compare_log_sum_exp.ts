import { type Format, type Semantics, ulpError } from "../fp/mod.ts";
import { logSumExp } from "./log_sum_exp.ts";
import type { LseMethod, NonFiniteTrace } from "./op_evaluator.ts";
import { referenceLogSumExp } from "./reference_log_sum_exp.ts";

/** One method's answer: per row when the input is a matrix. */
export interface MethodReport {
  /** The value the method computed in the format. */
  value: number | number[];
  /** Its error in ulps of the format at the fp64 reference. */
  ulps: number | number[];
  /** Where its first inf/NaN appeared (null when none did). */
  trace: NonFiniteTrace | null | (NonFiniteTrace | null)[];
}

/** Every method's answer and the fp64 reference. */
export interface LogSumExpReport {
  /** The element format the methods ran in. */
  format: Format;
  /** The semantics the values were computed under (see `logSumExp`). */
  semantics: Semantics;
  /** The format the running sums were kept in. */
  accumulate: Format;
  /** One answer per method asked for. */
  results: Partial<Record<LseMethod, MethodReport>>;
  /** {@linkcode referenceLogSumExp} of the numbers as given (per row for a matrix). */
  reference: number | number[];
}

/** What to compare: the format, the accumulation format, the methods, the semantics. */
export interface CompareOptions {
  /** The element format. */
  format: Format;
  /** The format of running sums (default: `format`). */
  accumulate?: Format;
  /** The methods to run, in the order the answer lists them. */
  methods: readonly LseMethod[];
  /** PyTorch's conversions and ±inf rule (`"torch"`, the default) or IEEE's (`"ieee"`). */
  semantics?: Semantics;
}

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
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { compareLogSumExp } from "./compare_log_sum_exp.ts";
 * const report = compareLogSumExp([12, 0], { format: "fp16", methods: ["naive", "stable"] });
 * assertEquals(report.results.naive, {
 *   value: Infinity,
 *   ulps: Infinity,
 *   trace: { stage: "exp", index: 0, operands: [12], value: Infinity, format: "fp16" },
 * });
 * assertEquals(report.results.stable?.value, 12);
 * assertAlmostEquals(report.results.stable?.ulps as number, 0.00079, 1e-5);
 * assertAlmostEquals(report.reference as number, 12.000006144, 1e-9);
 *
 * // A matrix: one answer per row.
 * const rows = compareLogSumExp([[0, 0], [20, 0]], { format: "fp16", methods: ["naive"] });
 * assertEquals(rows.results.naive?.value, [0.693359375, Infinity]);
 * ```
 */
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

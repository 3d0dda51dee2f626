import { convert, type Format, round, type Semantics } from "../fp/mod.ts";

/** The operations of the log-sum-exp family, as traces name them. */
export type Stage =
  | "input"
  | "subtract"
  | "exp"
  | "sum"
  | "rescale"
  | "log"
  | "add"
  | "divide";

/** Where the first non-finite value appeared. */
export interface NonFiniteTrace {
  /** The operation that produced it. */
  stage: Stage;
  /** The element it was computed for; null for an op on the whole vector (the final log, say). */
  index: number | null;
  /** The operands, as rounded to their formats. */
  operands: number[];
  /** The result: Infinity, -Infinity or NaN. */
  value: number;
  /** The format the result was rounded to. */
  format: Format;
}

/** The three ways to compute log Σ exp xᵢ. */
export type LseMethod = "naive" | "stable" | "online";

/** Every method, in the order answers list them. */
export const LSE_METHODS = ["naive", "stable", "online"] as const satisfies readonly LseMethod[];

/**
 * Op-by-op evaluation in a floating-point format, remembering the first non-finite result.
 *
 * Every operation of the log-sum-exp family goes through {@linkcode OpEvaluator.op}: its exact
 * result (computed in fp64; exact for +, −, ×, ÷ of two values of ≤ 24-bit formats, and
 * correctly rounded to fp64 for exp and log) is rounded once to the format the operation writes
 * (IEEE 754 §4.3, ties to even). Because fp64 carries more than 2p + 2 bits of any narrower format,
 * rounding the fp64 result of one +, −, ×, ÷ again is the same as rounding the exact result
 * (Figueroa, "When is double rounding innocuous?", 1995), so each op is correctly rounded.
 *
 * The first result that is ±Infinity or NaN is kept as a {@linkcode NonFiniteTrace}: which stage
 * produced it, at which element, from which operands. An input of −Infinity (a masked entry) and
 * the −Infinity it propagates to are not traced, since exp turns them into an exact 0; an input of
 * +Infinity or NaN is traced at stage "input", as is a finite input the format cannot hold. Inputs
 * are converted to the element format by the evaluator's semantics (see `convert` in lib/fp):
 * through fp32 as PyTorch does (`"torch"`, the default), or rounded once (`"ieee"`). That answers
 * the question a NaN loss raises
 * ("where did it start?") without a debugger. O(1) per op.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { OpEvaluator } from "./op_evaluator.ts";
 * const ev = new OpEvaluator("fp16", "fp32");
 * assertEquals(ev.op("exp", 0, Math.exp(12), "fp16", 12), Infinity);
 * assertEquals(ev.first, { stage: "exp", index: 0, operands: [12], value: Infinity, format: "fp16" });
 * ev.op("log", null, Math.log(-1), "fp16", -1); // NaN, but not the first
 * assertEquals(ev.first?.stage, "exp");
 * ```
 */
export class OpEvaluator {
  /** The first non-finite result, or null while every result has been finite. */
  first: NonFiniteTrace | null = null;

  /**
   * An evaluator with nothing traced yet.
   *
   * @param format the format elements and results are stored in
   * @param accumulate the format running sums are kept in (defaults to `format`)
   * @param semantics how inputs are converted to `format`: through fp32 as PyTorch does
   * (`"torch"`, the default) or rounded once (`"ieee"`), see `convert`
   */
  constructor(
    /** The format elements and results are stored in. */
    readonly format: Format,
    /** The format running sums are kept in. */
    readonly accumulate: Format = format,
    /** How inputs are converted to `format`. */
    readonly semantics: Semantics = "torch",
  ) {}

  /**
   * Rounds `exact` to `format`; records it when it is the first non-finite result.
   *
   * @param stage the operation, as the trace names it
   * @param index the element it is computed for (null for the whole vector)
   * @param exact its result in fp64
   * @param format the format it writes
   * @param a its first operand, as rounded
   * @param b its second operand, if any
   */
  op(
    stage: Stage,
    index: number | null,
    exact: number,
    format: Format,
    a: number,
    b?: number,
  ): number {
    return this.traced(stage, index, round(exact, format), a, b, format);
  }

  /** Remembers `value` when it is the first non-finite result; returns it. */
  private traced(
    stage: Stage,
    index: number | null,
    value: number,
    a: number,
    b?: number,
    format: Format = this.format,
  ): number {
    if (this.first === null && !Number.isFinite(value) && !maskPropagation(value, a, b)) {
      this.first = {
        stage,
        index,
        operands: b === undefined ? [a] : [a, b],
        value,
        format,
      };
    }
    return value;
  }

  /**
   * Converts every input to the element format by the semantics (stage "input"). O(n).
   *
   * @throws {RangeError} for an empty vector. @throws {TypeError} for a non-number element.
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { OpEvaluator } from "./op_evaluator.ts";
   * const ev = new OpEvaluator("fp16");
   * assertEquals(ev.inputs([1, 70000, 0.1]), [1, Infinity, 0.0999755859375]);
   * assertEquals(ev.first?.stage, "input");
   * ```
   */
  inputs(x: ArrayLike<number>): number[] {
    if (x.length === 0) throw new RangeError("expected at least one number, found an empty vector");
    const out = new Array<number>(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== "number") {
        throw new TypeError(`expected a number at index ${i}, found ${typeof v}`);
      }
      out[i] = this.traced("input", i, convert(v, this.format, this.semantics), v);
    }
    return out;
  }
}

/**
 * −Infinity computed from a −Infinity operand (a masked logit, −inf − m) is the mask passing
 * through, not a new non-finite value: exp turns it into 0. Only new ones are traced.
 */
function maskPropagation(value: number, a: number, b: number | undefined): boolean {
  return value === -Infinity && (a === -Infinity || b === -Infinity);
}

/**
 * What each log-sum-exp method produces: lse = shift + log(sum). The final addition is left to
 * the callers that need the lse itself (`lseValue`); softmax, log-softmax and cross-entropy use
 * the parts, so an overflow of that addition never enters their traces.
 */
export interface LseParts {
  /** The number subtracted before exponentiating: 0 (naive), the max (stable, online). */
  shift: number;
  /** Σ exp(xᵢ − shift), as stored in the element format. */
  sum: number;
  /** log(sum), in the element format. */
  logSum: number;
}

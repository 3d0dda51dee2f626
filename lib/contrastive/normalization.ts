import { type Format, round } from "../fp/mod.ts";
import type { Precision } from "./precision.ts";

/** F.normalize's default eps (`torch/nn/functional.py`). */
export const NORMALIZE_EPS = 1e-12;

/** What the normalisation does to the smallest row. */
export interface NormCheck {
  /** The format F.normalize runs in. */
  format: Format;
  /** eps = 1e-12 written in that format (0 in fp16). */
  eps: number;
  /** The smallest row norm, as given (fp64). */
  min_norm: number;
  /** That norm written in the format. */
  norm: number;
  /**
   * "nan": norm and eps are both 0 (0/0); "divided-by-eps": norm < eps, the row comes out as x/eps
   * (zeros for a zero row); "ok": a unit row.
   */
  outcome: "nan" | "divided-by-eps" | "ok";
  /** Which row, when the embeddings were given ("q[1]"); null for a stated min_norm. */
  row: string | null;
}

/**
 * The format F.normalize runs in for a training precision: the half format in pure fp16/bf16,
 * fp32 otherwise (autocast runs `norm` in fp32).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { normalizeFormat } from "./normalization.ts";
 * assertEquals([normalizeFormat("bf16"), normalizeFormat("bf16-autocast")], ["bf16", "fp32"]);
 * ```
 */
export function normalizeFormat(precision: Precision): Format {
  if (precision === "fp16" || precision === "bf16") return precision;
  return "fp32";
}

/**
 * The norm of one row as PyTorch computes it: entries in `input`, sum in fp32, result in `to`.
 * O(dim).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rowNorm } from "./normalization.ts";
 * assertEquals(rowNorm([3, 4], "fp16", "fp16"), 5);
 * assertEquals(rowNorm([1e-8, 0], "fp16", "fp16"), 0); // 1e-8 is 0 in fp16
 * ```
 */
export function rowNorm(row: ArrayLike<number>, input: Format, to: Format): number {
  let s = 0;
  for (let i = 0; i < row.length; i++) {
    const x = round(row[i], input);
    s = Math.fround(s + Math.fround(x * x));
  }
  return round(Math.fround(Math.sqrt(s)), to);
}

/**
 * What `F.normalize(x, dim=-1)` does to the row of smallest norm `minNorm` (given in fp64, or
 * already in the format) in a training precision: it divides by max(‖x‖, eps) with eps = 1e-12,
 * both written in the format the normalisation runs in. `row` names the row, when known.
 *
 * That format: fp32 in fp32 training; the half format itself in pure fp16/bf16 (`model.half()`);
 * fp32 under autocast, where `norm` is on the fp32 list (`fp32_append_dtype` in PyTorch's
 * `aten/src/ATen/autocast_mode.cpp`) and the division of a half row by an fp32 norm promotes to
 * fp32. eps = 1e-12 is 0 in fp16 (its smallest subnormal is 2⁻²⁴ ≈ 6e-8; PyTorch record:
 * `torch.tensor(1e-12, dtype=torch.float16) == 0`) but 1.0019e-12 in bf16, so only pure fp16 turns
 * a zero-norm row into 0/0 = NaN (lightly#1259); elsewhere the row is divided by eps and comes out
 * as zeros (a row with no direction, whose gradient is scaled by 1/eps). A row's norm is its
 * entries written in the encoder's output format, summed in fp32 (PyTorch's `acc_type`), rounded
 * to the normalisation format. O(dim) per row.
 *
 * @throws {RangeError} for a norm that is not finite and ≥ 0.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { checkNormalization } from "./normalization.ts";
 * assertEquals(checkNormalization(0, "fp16"), {
 *   format: "fp16", eps: 0, min_norm: 0, norm: 0, outcome: "nan", row: null,
 * }); // lightly#1259
 * assertEquals(checkNormalization(0, "fp16-autocast").outcome, "divided-by-eps");
 * assertEquals(checkNormalization(0.5, "fp16").outcome, "ok");
 * ```
 */
export function checkNormalization(
  minNorm: number,
  precision: Precision,
  row: string | null = null,
): NormCheck {
  if (!(minNorm >= 0 && minNorm < Infinity)) {
    throw new RangeError(`min_norm must be a finite number ≥ 0, found ${minNorm}`);
  }
  const format = normalizeFormat(precision);
  const eps = round(NORMALIZE_EPS, format);
  const norm = round(minNorm, format);
  const outcome = norm === 0 && eps === 0 ? "nan" : norm < eps ? "divided-by-eps" : "ok";
  return { format, eps, min_norm: minNorm, norm, outcome, row };
}

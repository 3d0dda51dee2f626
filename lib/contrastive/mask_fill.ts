import { type Format, FORMATS, round } from "../fp/mod.ts";
import { type Precision, precisionPlan } from "./precision.ts";

/** The sentinel in the logits' format. */
export interface MaskFillCheck {
  /** The sentinel, as given. */
  value: number;
  /** The format the logits are written in. */
  format: Format;
  /** The value written in that format. */
  written: number;
  /** "overflows": a finite fill beyond the format; "infinite": a -inf fill; "ok": representable. */
  outcome: "overflows" | "infinite" | "ok";
  /** The largest finite value of the format, the sentinel to use instead (negated). */
  format_max: number;
}

/**
 * What a sentinel `value` written over masked logits (self-similarities, padding, false negatives)
 * becomes in the format the logits of `precision` are written in.
 *
 * `logits.masked_fill(mask, -1e9)` on fp16 logits raises "value cannot be converted to type
 * at::Half without overflow" (PyTorch record; NVIDIA/apex#1052); the arithmetic form
 * `logits - 1e9 * mask` (SimCLR's LARGE_NUM) writes -inf instead. A -inf entry is harmless to
 * `F.cross_entropy` as long as its row keeps one finite logit, but a fully masked row is
 * NaN, and multiplying a log-probability of -inf by a 0 of a mask (`(mask * log_prob).sum(1)`)
 * is 0 · -inf = NaN (PyTorch records). bf16 and fp32 hold -1e9. O(1).
 *
 * @throws {RangeError} for NaN.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { checkMaskFill } from "./mask_fill.ts";
 * assertEquals(checkMaskFill(-1e9, "fp16-autocast"), {
 *   value: -1e9, format: "fp16", written: -Infinity, outcome: "overflows", format_max: 65504,
 * });
 * assertEquals(checkMaskFill(-1e4, "fp16").outcome, "ok");
 * assertEquals(checkMaskFill(-1e9, "bf16").outcome, "ok");
 * assertEquals(checkMaskFill(-Infinity, "fp32").outcome, "infinite");
 * ```
 */
export function checkMaskFill(value: number, precision: Precision): MaskFillCheck {
  if (Number.isNaN(value)) throw new RangeError("mask_fill must be a number, found NaN");
  const format = precisionPlan(precision, "framework").logits;
  const written = round(value, format);
  const outcome = !Number.isFinite(value)
    ? "infinite"
    : !Number.isFinite(written)
    ? "overflows"
    : "ok";
  return { value, format, written, outcome, format_max: FORMATS[format].max };
}

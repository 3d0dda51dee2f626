import type { Format } from "../fp/mod.ts";

/** How the model is trained. */
export type Precision = "fp32" | "fp16" | "bf16" | "fp16-autocast" | "bf16-autocast";

/** Every precision. */
export const PRECISIONS = [
  "fp32",
  "fp16",
  "bf16",
  "fp16-autocast",
  "bf16-autocast",
] as const satisfies readonly Precision[];

/** The framework's fused softmax/cross-entropy, or a hand-written exp / sum / log. */
export type SoftmaxKind = "framework" | "naive";

/** The formats of one InfoNCE forward pass. */
export interface PrecisionPlan {
  /** The format q and k are cast to before the matmul. */
  inputs: Format;
  /** The format of `q @ k.T`'s output (accumulated in fp32). */
  matmul: Format;
  /** The format of `logits / temperature` (or `logit_scale * logits`). */
  logits: Format;
  /** The format exps, the stored sum and the log are written in. */
  softmax: Format;
  /** The format the sum accumulates in. */
  accumulate: Format;
  /** The format the loss is written in. */
  output: Format;
}

/**
 * The formats PyTorch uses for each step of an InfoNCE loss, for a training `precision` and a
 * framework or a hand-written softmax.
 *
 * Autocast (`torch.autocast`, `aten/src/ATen/autocast_mode.cpp`): `mm`/`matmul` are on the
 * lower-precision list, so `q @ k.T` takes half inputs and writes a half output (accumulating in
 * fp32, as cuBLAS does); `logits / temperature` is on no list, so it stays half; `softmax`,
 * `log_softmax`, `cross_entropy`, and also `exp`, `log` and `sum`, are on the fp32 list. So under
 * autocast even a hand-written softmax exponentiates in fp32 (overflowing above ln FP32_MAX ≈ 88.72),
 * and the logits themselves are what overflow fp16: |q·k|/τ > 65504.
 *
 * Pure half (`model.half()`, no autocast): every op writes half; PyTorch's softmax/log_softmax/
 * cross-entropy kernels still compute internally in fp32 (their `acc_type`) and write half, while a
 * hand-written `torch.exp(logits)` writes half and overflows above ln 65504 ≈ 11.09.
 *
 * @throws {TypeError} for an unknown precision.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { precisionPlan } from "./precision.ts";
 * // autocast: the logits are fp16, everything after them fp32
 * assertEquals(precisionPlan("fp16-autocast", "framework"), {
 *   inputs: "fp16", matmul: "fp16", logits: "fp16",
 *   softmax: "fp32", accumulate: "fp32", output: "fp32",
 * });
 * // model.half() with a hand-written softmax: torch.exp writes fp16
 * assertEquals(precisionPlan("fp16", "naive").softmax, "fp16");
 * ```
 */
export function precisionPlan(precision: Precision, softmax: SoftmaxKind): PrecisionPlan {
  switch (precision) {
    case "fp32":
      return plan("fp32", "fp32", "fp32", "fp32");
    case "fp16":
    case "bf16":
      return softmax === "framework"
        ? plan(precision, "fp32", "fp32", precision)
        : plan(precision, precision, "fp32", precision);
    case "fp16-autocast":
      return plan("fp16", "fp32", "fp32", "fp32");
    case "bf16-autocast":
      return plan("bf16", "fp32", "fp32", "fp32");
    default:
      throw new TypeError(`unknown precision ${JSON.stringify(precision)}`);
  }
}

function plan(half: Format, softmax: Format, accumulate: Format, output: Format): PrecisionPlan {
  return { inputs: half, matmul: half, logits: half, softmax, accumulate, output };
}

import { type Format, round } from "../fp/mod.ts";

/**
 * How the raw scores q·k become logits: `logits = scores / temperature`, `logits = logit_scale *
 * scores`, or logits as logged. That is: divided by a temperature τ (SimCSE, MoCo, SimCLR),
 * multiplied by a logit scale s = 1/τ (CLIP: `logit_scale.exp() * q @ k.T`, the scale clamped at
 * 100, i.e. the learnable log-scale at ln 100 ≈ 4.6052), or unknown: a user who logs only the
 * largest logit gives the logits themselves (`none`, a factor of 1 on what is analysed).
 *
 * The two known forms are the same in exact arithmetic; in fp16 each is one op on the half
 * logits, computed in fp32 as PyTorch's elementwise kernels do ({@linkcode applyScaling}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Scaling, scaleFactor, temperatureOf } from "./scaling.ts";
 * const clip: Scaling = { kind: "logit_scale", value: 100 };
 * assertEquals([scaleFactor(clip), temperatureOf(clip)], [100, 0.01]);
 * ```
 */
export type Scaling =
  | { kind: "temperature"; value: number }
  | { kind: "logit_scale"; value: number }
  | { kind: "none"; value: 1 };

/**
 * The factor the scores are multiplied by: 1/τ, s, or 1 when the logits are given.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scaleFactor } from "./scaling.ts";
 * assertEquals(scaleFactor({ kind: "temperature", value: 0.05 }), 20);
 * assertEquals(scaleFactor({ kind: "none", value: 1 }), 1);
 * ```
 */
export function scaleFactor(scaling: Scaling): number {
  return scaling.kind === "temperature" ? 1 / scaling.value : scaling.value;
}

/**
 * The equivalent temperature: τ, 1/s, or 1 when the logits are given.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { temperatureOf } from "./scaling.ts";
 * assertEquals(temperatureOf({ kind: "logit_scale", value: 20 }), 0.05);
 * ```
 */
export function temperatureOf(scaling: Scaling): number {
  return scaling.kind === "temperature" ? scaling.value : 1 / scaling.value;
}

/**
 * Applies the scaling to one score as PyTorch does for a half, bf16 or fp32 tensor and a Python
 * scalar: the scalar becomes the op's `opmath` type (fp32), the quotient or product is computed and
 * rounded in fp32, then written in the tensor's format (ATen's TensorIterator with
 * `opmath_type<Half> = float`). In fp64 the op is simply rounded once. A scale beyond fp32 (CLIP's
 * `logit_scale.exp()` of an unclamped parameter of 100 is 2.7e43) is itself inf there. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { applyScaling } from "./scaling.ts";
 * const tau = { kind: "temperature", value: 0.05 } as const;
 * assertEquals(applyScaling(3000, tau, "fp16"), 60000);
 * assertEquals(applyScaling(8957.3, tau, "fp16"), Infinity); // 179 146 > 65 504
 * assertEquals(applyScaling(1, { kind: "logit_scale", value: 2.7e43 }, "fp32"), Infinity);
 * ```
 */
export function applyScaling(score: number, scaling: Scaling, format: Format): number {
  if (scaling.kind === "none") return round(score, format);
  if (format === "fp64") {
    return scaling.kind === "temperature" ? score / scaling.value : score * scaling.value;
  }
  const scalar = Math.fround(scaling.value);
  return round(
    Math.fround(scaling.kind === "temperature" ? score / scalar : score * scalar),
    format,
  );
}

/**
 * Checks that the temperature or scale is a positive finite number, and returns it.
 *
 * @throws {RangeError} otherwise.
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkScaling } from "./scaling.ts";
 * assertThrows(() => checkScaling({ kind: "temperature", value: 0 }), RangeError);
 * ```
 */
export function checkScaling(scaling: Scaling): Scaling {
  if (!(scaling.value > 0 && scaling.value < Infinity)) {
    throw new RangeError(`${scaling.kind} must be a positive number, found ${scaling.value}`);
  }
  return scaling;
}

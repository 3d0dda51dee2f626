import { formatNumber as f } from "./format_number.ts";
import type { Scaling } from "./scaling.ts";

/** The phrases for one scaling. */
export interface ScaleWords {
  /** "τ = 0.05", "logit_scale = 20", "the logged logits". */
  name: string;
  /** The op: "the division by the temperature", "the multiplication by logit_scale". */
  op: string;
  /** The change that keeps a logit scale s (a factor on q·k) at most `scale`. */
  bound: (scale: number) => string;
  /** The clamp of a learnable scale, as PyTorch code. */
  clamp: (maxScale: number) => string;
  /** A score difference scaled into logits: "(n − p)/τ", "s·(n − p)". */
  scaled: (expr: string) => string;
}

/**
 * The words a sentence uses for `scaling`, following the input the user gave: a temperature
 * ("the division by τ", "use τ ≥ 0.14"), a logit scale ("the multiplication by logit_scale",
 * "keep logit_scale ≤ 7.3"), or neither (the logits as logged). A user who sent a logit scale
 * never reads about a temperature, and the reverse. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scaleWords } from "./scale_words.ts";
 * assertEquals(scaleWords({ kind: "logit_scale", value: 20 }).bound(3275.2 / 20),
 *   "keep logit_scale ≤ 163.76");
 * const tau = scaleWords({ kind: "temperature", value: 0.05 });
 * assertEquals([tau.name, tau.bound(20), tau.scaled("(n − p)")], [
 *   "τ = 0.05", "use τ ≥ 0.05", "(n − p)/τ",
 * ]);
 * ```
 */
export function scaleWords(scaling: Scaling): ScaleWords {
  switch (scaling.kind) {
    case "temperature":
      return {
        name: `τ = ${f(scaling.value)}`,
        op: "the division by the temperature",
        bound: (scale) => `use τ ≥ ${f(1 / scale)}`,
        clamp: (maxScale) =>
          `clamp the learnable temperature from below after each step: ` +
          `\`tau.data.clamp_(min=${f(1 / maxScale)})\``,
        scaled: (expr) => `${expr}/τ`,
      };
    case "logit_scale":
      return {
        name: `logit_scale = ${f(scaling.value)}`,
        op: "the multiplication by logit_scale",
        bound: (scale) => `keep logit_scale ≤ ${f(scale)}`,
        clamp: (maxScale) =>
          `clamp the learnable scale after each step as CLIP does: ` +
          `\`model.logit_scale.data.clamp_(max=math.log(${f(maxScale)}))\` (the parameter is the ` +
          `log of the scale)`,
        scaled: (expr) => `s·${expr}`,
      };
    default:
      return {
        name: "the logged logits",
        op: "the scaling of the scores",
        bound: (scale) => `keep the logits' scale factor ≤ ${f(scale)}`,
        clamp: (maxScale) => `clamp the learnable scale at ${f(maxScale)}`,
        scaled: (expr) => `${expr} in logits`,
      };
  }
}

/** The loss of one InfoNCE row at three points, in nats. */
export interface LossBounds {
  /** Uniform logits: ln B, a model that cannot tell the positive from the negatives. */
  uniform: number;
  /** The positive at +L, every negative at −L. */
  best: number;
  /** The positive at −L, every negative at +L: ≈ 2L + ln(B − 1). */
  worst: number;
}

/**
 * The InfoNCE loss of one row of `batchSize` logits at uniform logits and at the two extremes the
 * logit bound `maxLogit` allows.
 *
 * With B logits in [−L, L] (L = the largest |logit|) and the positive in column i:
 * - uniform logits: ln B (the loss of a model that cannot tell the positive from the negatives);
 * - best case, positive at +L and every negative at −L: ln(1 + (B − 1)·e^(−2L));
 * - worst case, positive at −L and every negative at +L: ln(1 + (B − 1)·e^(2L)) ≈ 2L + ln(B − 1).
 * The worst case is why a loss that climbs into the hundreds (the fixture reached 390) means logits
 * in the hundreds: the loss is bounded by about twice the largest logit. Computed in fp64 with
 * log1p, without overflow for any finite L. O(1).
 *
 * @throws {RangeError} when B < 2 or L is negative or not finite.
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { infoNceLossBounds } from "./loss_bounds.ts";
 * const b = infoNceLossBounds(20, 128);
 * assertAlmostEquals(b.uniform, Math.log(128), 1e-12); // 4.852
 * assertAlmostEquals(b.best, 5.4e-16, 1e-17);
 * assertAlmostEquals(b.worst, 44.844, 1e-3); // ≈ 2·20 + ln 127
 * ```
 */
export function infoNceLossBounds(maxLogit: number, batchSize: number): LossBounds {
  if (!Number.isInteger(batchSize) || batchSize < 2) {
    throw new RangeError(`batch_size must be an integer ≥ 2, found ${batchSize}`);
  }
  if (!(maxLogit >= 0 && maxLogit < Infinity)) {
    throw new RangeError(`the largest |logit| must be finite and ≥ 0, found ${maxLogit}`);
  }
  const negatives = batchSize - 1;
  const twice = 2 * maxLogit;
  return {
    uniform: Math.log(batchSize),
    best: Math.log1p(negatives * Math.exp(-twice)),
    worst: twice + Math.log(negatives) + Math.log1p(Math.exp(-twice) / negatives),
  };
}

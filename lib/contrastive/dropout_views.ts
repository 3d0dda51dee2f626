/**
 * The expected cosine between two dropout views of the same embedding: ≈ 1 − p.
 *
 * SimCSE (Gao, Yao & Chen, 2021) makes the positive pair by encoding a sentence twice with
 * different dropout masks. For inverted dropout (`nn.Dropout`: keep with probability 1 − p, scale
 * by 1/(1 − p)) applied to a vector h with independent masks, E[a·b] = |h|² and E|a|² = E|b|² =
 * |h|²/(1 − p), so the cosine concentrates at (1 − p) as the dimension grows. With p = 0.4 (a
 * retriever that blew up with dropout views) the two "identical" views are only 60 % alike, while
 * in-batch negatives of a collapsed encoder are not much less alike, so the loss cannot fall;
 * SimCSE measured p = 0.1 best (STS-B 82.5) and p = 0.5 about as bad as no dropout at all (71.0 vs
 * 71.1). This is the dropout on the embedding itself; dropout in every layer of the encoder lowers
 * it further. O(1).
 *
 * @throws {RangeError} when p is outside [0, 1).
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { expectedDropoutViewCosine } from "./dropout_views.ts";
 * assertEquals(expectedDropoutViewCosine(0.1), 0.9); // SimCSE's default
 * assertEquals(expectedDropoutViewCosine(0.4), 0.6);
 * assertThrows(() => expectedDropoutViewCosine(1), RangeError);
 * ```
 */
export function expectedDropoutViewCosine(p: number): number {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout_p must be in [0, 1), found ${p}`);
  return 1 - p;
}

/**
 * Natural log of an upper bound on P(X ≥ hits) for X ~ Binomial(trials, p).
 *
 * Why: to call a phase of a period significant, the spikes found at that phase must be far
 * more than the base rate of spikes anywhere would put there by chance. The Chernoff–Hoeffding
 * bound P(X ≥ k) ≤ exp(−n·D(k/n ‖ p)), with D the Kullback–Leibler divergence of two Bernoulli
 * laws, is tight in the exponent, cheap, and conservative (it never understates the p-value).
 *
 * Returns 0 (p ≤ 1) when `hits ≤ trials·p`. Cost: O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logBinomialTail } from "./binomial_tail.ts";
 * // ten hits in ten cycles at a 1 % rate: at most 1e-20 (exactly, 0.01¹⁰)
 * assertEquals(Math.exp(logBinomialTail(10, 10, 0.01)) <= 1e-20, true);
 * assertEquals(logBinomialTail(1, 10, 0.5), 0); // no more than chance: no evidence
 * ```
 */
export function logBinomialTail(hits: number, trials: number, p: number): number {
  if (!(trials > 0) || !(hits > trials * p)) return 0;
  if (p <= 0) return -Infinity;
  const a = Math.min(1, hits / trials);
  const q = Math.min(p, 1);
  if (q >= 1) return 0;
  const left = a > 0 ? a * Math.log(a / q) : 0;
  const right = a < 1 ? (1 - a) * Math.log((1 - a) / (1 - q)) : -Math.log(1 - q);
  return -trials * (left + right);
}

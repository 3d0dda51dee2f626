import { JUDGE } from "./tuning.ts";
import { profileCorrelation, profileRepeats, type ShapeFold } from "./shape_fold.ts";

/**
 * The shortest period a repeating shape, folded at a multiple of it, explains as well.
 *
 * Why: a profile folded at Q = k·P repeats k times within itself, and the fold at Q explains
 * as much variance as the fold at P — so the fold tests alone rank Q no lower than P. Each k
 * whose shifts by Q/k match the profile (`profileRepeats`) is tried, largest first:
 *
 * - a false divisor explains only the share of the profile that repeats within it (about 1/k
 *   for a rough profile, more for a smooth one); a true one explains it all — except that a
 *   period that is not a whole number of points smears its profile over a bin, so a sharp
 *   profile keeps only two thirds of its variance, a smooth one almost all of it
 *   (`smearedShare`);
 * - a period that is not a whole number of points arises from logging means of several steps
 *   (1 390 steps logged every 10 are 139 points, 81 steps are 8.1). Then the bins of Q, put in
 *   the order of their phase within Q/k, sample the true profile at sub-point offsets: points
 *   whose averaging windows overlap are neighbours, so the reordered profile is smooth
 *   (lag-1 correlation ≥ 0.7, and 0.4 above the profile's own), and a true divisor then needs
 *   to keep only 30 % of the variance. For a false divisor the reordering interleaves
 *   unrelated parts of the cycle and the correlation is near 0.
 *
 * A divisor found is tried again in turn, down to the fundamental.
 *
 * Cost: one fold, O(n + Q), per divisor tried (k ≤ 16, or a repeat of the profile up to 64);
 * the reordering O(Q log Q) for Q ≤ 4 096.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { blockMean } from "../series/mod.ts";
 * import { foldShape } from "./shape_fold.ts";
 * import { shapeFundamental } from "./shape_fundamental.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a sharp profile of 81 steps, logged as means of 10 steps: 8.1 points, found at 81
 * const profile = Float64Array.from({ length: 81 }, () => 4 * noise());
 * const steps = Float64Array.from({ length: 81 * 200 }, (_, i) => profile[i % 81] + 0.1 * noise());
 * const values = blockMean(steps, 10);
 * const finite = new Uint8Array(values.length).fill(1);
 * const foldAt = (period: number) => foldShape(values, finite, period);
 * assertEquals(shapeFundamental(81, foldAt(81), foldAt, (_, fold) => fold.z >= 6).period, 8.1);
 * ```
 */
export function shapeFundamental(
  period: number,
  fold: ShapeFold,
  foldAt: (period: number) => ShapeFold,
  significant: (period: number, fold: ShapeFold) => boolean,
): { period: number; fold: ShapeFold } {
  const repeats = profileRepeats(fold.profile);
  const own = profileCorrelation(fold.profile, 1);
  const tries = new Set(repeats);
  for (let k = 2; k <= Math.min(JUDGE.maxSmoothDivisor, period / 2); k++) tries.add(k);
  for (const k of [...tries].sort((a, b) => b - a)) {
    const divisor = period / k;
    if (divisor < 2) continue;
    const whole = Math.abs(divisor - Math.round(divisor)) <= JUDGE.wholeDivisor;
    const fine = !whole && fold.profile.length <= JUDGE.maxPhaseOrderBins
      ? phaseOrderCorrelation(fold.profile, divisor)
      : -1;
    // Smooth in the order of sub-point phase, and much smoother so than in its own order.
    const smooth = fine >= JUDGE.smoothOrder && fine >= own + JUDGE.smoothGain;
    if (!smooth && !repeats.includes(k)) continue;
    const candidate = foldAt(divisor);
    if (!significant(divisor, candidate)) continue;
    const share = candidate.explained / fold.explained;
    const keeps = whole
      ? JUDGE.wholeKeeps
      : Math.max(JUDGE.fractionKeeps, JUDGE.smearKeeps * smearedShare(own, period, k));
    if (share >= keeps || (smooth && share >= JUDGE.smoothKeeps)) {
      return shapeFundamental(divisor, candidate, foldAt, significant);
    }
  }
  return { period, fold };
}

/**
 * The share of a profile's variance a fold at Q/k keeps when Q/k is the true period but not a
 * whole number of points: each bin then mixes the profile at sub-point offsets j/k′ (k′ = k
 * over its common divisor with a whole Q; any offset when Q is not whole). With the profile's
 * correlation falling linearly from 1 at lag 0 to r₁ at lag 1, the share is 1 − E|Δ|·(1 − r₁),
 * E|Δ| = (k′² − 1)/(3k′²) the mean distance between two of the offsets (1/3 when continuous).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { smearedShare } from "./shape_fundamental.ts";
 * // 8.1 points (k = 10 of 81): a sharp profile (r₁ = 0) keeps two thirds, a smooth one more
 * assertAlmostEquals(smearedShare(0, 8.1, 10), 2 / 3, 1e-12);
 * assertAlmostEquals(smearedShare(0.9, 8.1, 10), 0.96667, 1e-5);
 * ```
 */
export function smearedShare(lagOne: number, period: number, k: number): number {
  const whole = Math.abs(period - Math.round(period)) <= JUDGE.wholeDivisor;
  const q = whole ? k / gcd(Math.round(period), k) : Infinity;
  const distance = Number.isFinite(q) ? (q * q - 1) / (3 * q * q) : 1 / 3;
  return 1 - distance * (1 - Math.max(-1, Math.min(1, lagOne)));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Lag-1 correlation of a profile's bins taken in the order of their phase modulo `divisor`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { blockMean } from "../series/mod.ts";
 * import { foldShape } from "./shape_fold.ts";
 * import { phaseOrderCorrelation } from "./shape_fundamental.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a sharp profile of 81 steps logged as means of 10 (8.1 points), folded at 81 points
 * const profile = Float64Array.from({ length: 81 }, () => 4 * noise());
 * const steps = Float64Array.from({ length: 81 * 200 }, (_, i) => profile[i % 81] + 0.1 * noise());
 * const values = blockMean(steps, 10);
 * const folded = foldShape(values, new Uint8Array(values.length).fill(1), 81).profile;
 * // in the order of their phase within 8.1 points, overlapping windows are neighbours: smooth
 * assertEquals(phaseOrderCorrelation(folded, 8.1) > 0.7, true);
 * // within a false divisor (27 points) the order interleaves unrelated parts: near 0
 * assertEquals(phaseOrderCorrelation(folded, 27) < 0.1, true);
 * ```
 */
export function phaseOrderCorrelation(profile: Float64Array, divisor: number): number {
  const phase = new Float64Array(profile.length);
  for (let b = 0; b < profile.length; b++) phase[b] = b % divisor;
  const order = new Uint32Array(profile.length);
  for (let b = 0; b < order.length; b++) order[b] = b;
  order.sort((a, b) => phase[a] - phase[b] || a - b);
  const reordered = new Float64Array(profile.length);
  for (let i = 0; i < order.length; i++) reordered[i] = profile[order[i]];
  return profileCorrelation(reordered, 1);
}

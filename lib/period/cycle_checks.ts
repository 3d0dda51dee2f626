import { foldEvents } from "./event_fold.ts";
import { binAnova, type ShapeFold } from "./shape_fold.ts";
import { JUDGE, PROPOSE } from "./tuning.ts";

/**
 * The repeating profile of a spike train's cycle with the spike and its momentum tail (3 points
 * before, 30 % of the cycle after) left out: when what remains still repeats, the whole epoch
 * repeats (unshuffled data), not one step. O(n).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { restOfProfile } from "./cycle_checks.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // robust z-scores of 1000 points: noise, and a spike of z = 8 every 50 points from point 17
 * const z = Float64Array.from({ length: 1000 }, (_, i) => i % 50 === 17 ? 8 : noise());
 * const finite = new Uint8Array(1000).fill(1);
 * // the spike is all that repeats: the rest of the cycle explains nothing
 * assertEquals(restOfProfile(z, finite, 50, 17).z < 3, true);
 * ```
 */
export function restOfProfile(
  z: Float64Array,
  finite: Uint8Array,
  period: number,
  phase: number,
): ShapeFold {
  const before = JUDGE.restBefore;
  const tail = Math.max(before, JUDGE.restTailShare * period), bins = Math.ceil(period);
  const whole = Math.floor(Math.floor(z.length / period) * period);
  const sums = new Float64Array(bins), squares = new Float64Array(bins);
  const counts = new Float64Array(bins);
  // Walk cycle by cycle (no modulo per point): keep offsets in (tail, period − 3) of each.
  for (let start = phase - period; start < whole; start += period) {
    const from = Math.max(0, Math.ceil(start + tail + 1e-9));
    const to = Math.min(whole, Math.ceil(start + period - before));
    if (from >= to) continue;
    let at = from % period;
    for (let i = from; i < to; i++, at = at + 1 >= period ? at + 1 - period : at + 1) {
      if (!finite[i]) continue;
      const bin = Math.min(bins - 1, Math.floor(at));
      const clip = PROPOSE.shapeClip;
      const v = z[i] > clip ? clip : z[i] < -clip ? -clip : z[i];
      sums[bin] += v;
      squares[bin] += v * v;
      counts[bin]++;
    }
  }
  return binAnova(sums, squares, counts);
}

/**
 * A quick look at a candidate period: do most of the first 16 cycles hold a spike at one
 * phase? `spend(events)` is called before the fold with the number of events it folds (the
 * caller counts the work). O(E log E) for the E spikes in those cycles.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { promising } from "./cycle_checks.ts";
 * const spikes = Float64Array.from({ length: 20 }, (_, k) => 17 + 50 * k);
 * assertEquals(promising(spikes, 1000, 50, 1.5, 0.5), true);
 * assertEquals(promising(spikes, 1000, 37, 1.5, 0.5), false);
 * ```
 */
export function promising(
  positions: Float64Array,
  n: number,
  period: number,
  tolerance: number,
  minHitShare: number,
  maxChance: number = JUDGE.maxChance,
  spend: (events: number) => void = () => {},
): boolean {
  // Where spikes are so dense that a window of the phase almost always holds one by chance,
  // no fold can say anything: skip at once.
  // (measured for the tight window of ±1.5 points the locked fold uses, not the loose one)
  const chance = (positions.length / n) * (2 * JUDGE.tolerance + 1);
  if (chance >= maxChance) return false;
  let end = 0;
  const span = Math.min(n, Math.max(JUDGE.quickCycles * period, 2 * period));
  while (end < positions.length && positions[end] <= span) end++;
  spend(end);
  const fold = foldEvents(positions.subarray(0, end), span, period, tolerance, 1);
  return fold !== null && fold.hits >= Math.min(JUDGE.minHits, fold.cycles) &&
    fold.hits >= minHitShare * fold.cycles;
}

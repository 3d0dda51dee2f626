import { type EventFold, lockPeriod } from "./event_fold.ts";
import { JUDGE } from "./tuning.ts";

/**
 * The shortest period that explains a spike train found at a multiple of it.
 *
 * Why: a strict spike train repeats at P, 2P, 3P…, and the autocorrelation of a long series
 * reduced in blocks peaks highest at the multiple that is a whole number of blocks (16·97
 * points for a period of 97 reduced by 16). A spike train of period P/k has, next to each of
 * its spikes, another spike P/k later or earlier; so for k = 2…`maxDivisor`, a cheap look at 24
 * of the matched spikes says whether P/k can be the period (in at least 60 % of the train's own
 * share of them), and a full fold confirms it. The largest k that is confirmed wins: at least
 * 60 % as strong as P, whose share is the best of k interleaved trains and so overstated.
 *
 * Cost: O(maxDivisor · 24 · log E), plus one fold per plausible divisor (`spend(events)` is
 * called before each fold with the events it folds, as `lockPeriod` does).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { foldEvents } from "./event_fold.ts";
 * import { fundamental } from "./fundamental.ts";
 * // a spike every 50 points, found folded at 100 (every other spike)
 * const spikes = Float64Array.from({ length: 20 }, (_, k) => 17 + 50 * k);
 * const atDouble = foldEvents(spikes.filter((_, k) => k % 2 === 0), 1000, 100, 1, 1)!;
 * assertEquals(fundamental(atDouble, spikes, 1000, 1).period, 50);
 * ```
 */
export function fundamental(
  found: EventFold,
  positions: Float64Array,
  length: number,
  trials: number,
  sizes?: Float64Array,
  maxDivisor: number = JUDGE.maxDivisor,
  spend: (events: number) => void = () => {},
): EventFold {
  const strength = found.hits / found.cycles;
  const sampled = JUDGE.fundamentalSample;
  const step = Math.max(1, Math.floor(found.matched.length / sampled));
  const sample = found.matched.filter((_, i) => i % step === 0).slice(0, sampled);
  let best = found;
  for (let k = 2; k <= maxDivisor && found.period / k >= 2; k++) {
    const period = found.period / k;
    let near = 0;
    for (const at of sample) {
      const reach = JUDGE.tolerance;
      if (
        hasNeighbour(positions, at + period, reach) || hasNeighbour(positions, at - period, reach)
      ) {
        near++;
      }
    }
    if (near < JUDGE.fundamentalShare * strength * sample.length) continue;
    const fold = lockPeriod(
      positions,
      length,
      period,
      JUDGE.tolerance,
      trials,
      sizes,
      undefined,
      spend,
    );
    const share = fold ? fold.hits / fold.cycles : 0;
    if (fold && fold.hits >= JUDGE.minHits && share >= JUDGE.fundamentalShare * strength) {
      best = fold;
    }
  }
  return best;
}

function hasNeighbour(sorted: Float64Array, value: number, reach: number): boolean {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value - reach) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] <= value + reach;
}

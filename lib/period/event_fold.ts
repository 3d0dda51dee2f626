import { linearRegression } from "simple-statistics";
import { logBinomialTail } from "./binomial_tail.ts";
import { logOccupancyTail } from "./occupancy_tail.ts";
import { circularMean } from "./circular.ts";
import { JUDGE } from "./tuning.ts";

/** The best phase of a fold. */
export interface EventFold {
  /** The period, refined by the matched positions (points). */
  period: number;
  /** Phase in [0, period) (points). */
  phase: number;
  /** Cycles holding a spike at the phase. */
  hits: number;
  /** Cycles the series spans at that phase. */
  cycles: number;
  /** ln of the corrected p-value. */
  logP: number;
  /** Positions of the matched spikes, one per cycle, ascending. */
  matched: number[];
}

/**
 * Folds spike positions at a trial period and measures how many cycles hold one at one phase.
 *
 * Why: a cause tied to the data loader (the last partial batch, the first batch of an epoch)
 * produces a spike in almost every cycle at the same phase; noise spikes land anywhere. Folding
 * the positions modulo P and sliding a window of ±`tolerance` points over the phases finds the
 * phase holding the most cycles. Its significance is a binomial test against the series' own
 * spike rate (so heavy-tailed noise, which spikes often, needs more hits), corrected for the
 * number of phases and periods tried. When the spikes' sizes are given, the test is also run
 * against the rate of spikes at least as large as the smallest matched one (few cycles of
 * huge spikes in a noisy series are significant even when small spikes are common), with the
 * choice of that size paid for in the correction. The matched spikes then give P and the
 * phase by least squares (position = phase + k·P), sharper than any autocorrelation lag.
 *
 * Cost: O(E log E) for E positions (a typed-array sort of the phases).
 *
 * `positions` must be ascending; `sizes` (optional) holds each spike's |z|.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { foldEvents } from "./event_fold.ts";
 * const fold = foldEvents(Float64Array.from([5, 15, 25, 35]), 40, 10, 1, 1);
 * assertEquals([fold?.period, fold?.phase, fold?.hits, fold?.cycles], [10, 5, 4, 4]);
 * assertEquals(fold?.matched, [5, 15, 25, 35]);
 * ```
 */
export function foldEvents(
  positions: Float64Array,
  length: number,
  period: number,
  tolerance: number,
  trials: number,
  sizes?: Float64Array,
): EventFold | null {
  const count = positions.length;
  if (count < 2 || !(period >= 2) || length < 2 * period) return null;
  const width = Math.min(2 * tolerance, period);
  const from = densestPhase(positions, period, width);
  const inWindow = (p: number) => ((p - from) % period + period) % period <= width;
  const windowed: number[] = [];
  for (let i = 0; i < count; i++) {
    const p = positions[i] % period;
    if (inWindow(p)) windowed.push(p);
  }
  const centre = circularMean(windowed, period);
  const match = matchCycles(positions, period, centre, inWindow, sizes);
  const { matched, cycleOf } = match;
  let refinedPeriod = period, phase = centre;
  if (matched.length >= 3 && cycleOf[cycleOf.length - 1] > cycleOf[0]) {
    const fit = linearRegression(matched.map((p, j) => [cycleOf[j], p]));
    if (fit.m > 0 && Math.abs(fit.m - period) < 0.5 * period) {
      refinedPeriod = fit.m;
      phase = ((fit.b % fit.m) + fit.m) % fit.m;
    }
  }
  const cycles = Math.max(1, Math.floor((length - 1 - phase) / refinedPeriod) + 1);
  const hits = Math.min(matched.length, cycles);
  const logP = significance(
    { hits, cycles, count, length },
    period,
    width,
    trials,
    sizes,
    match.sizes,
  );
  return { period: refinedPeriod, phase, hits, cycles, logP: Math.min(0, logP), matched };
}

/** The start of the circular window of `width` over the phases that holds the most positions. */
function densestPhase(positions: Float64Array, period: number, width: number): number {
  const count = positions.length;
  const phases = new Float64Array(count);
  for (let i = 0; i < count; i++) phases[i] = positions[i] % period;
  phases.sort();
  let bestStart = 0, bestSize = 0;
  for (let start = 0, end = 0; start < count; start++) {
    if (end < start) end = start;
    while (end - start < count - 1) {
      const next = end + 1 < count ? phases[end + 1] : phases[end + 1 - count] + period;
      if (next - phases[start] > width) break;
      end++;
    }
    if (end - start + 1 > bestSize) {
      bestSize = end - start + 1;
      bestStart = start;
    }
  }
  return phases[bestStart];
}

/** One spike per cycle: the one nearest the phase (positions ascend, so cycles do too). */
function matchCycles(
  positions: Float64Array,
  period: number,
  centre: number,
  inWindow: (phase: number) => boolean,
  sizes?: Float64Array,
): { cycleOf: number[]; matched: number[]; sizes: number[] } {
  const cycleOf: number[] = [], matched: number[] = [], matchedSize: number[] = [];
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i];
    if (!inWindow(position % period)) continue;
    const cycle = Math.round((position - centre) / period);
    const last = cycleOf.length - 1;
    if (last >= 0 && cycleOf[last] === cycle) {
      const off = (p: number) => Math.abs(p - centre - cycle * period);
      if (off(position) < off(matched[last])) {
        matched[last] = position;
        matchedSize[last] = sizes?.[i] ?? 0;
      }
    } else {
      cycleOf.push(cycle);
      matched.push(position);
      matchedSize.push(sizes?.[i] ?? 0);
    }
  }
  return { cycleOf, matched, sizes: matchedSize };
}

/**
 * ln p of `hits` in `cycles` against the rate of the `count` events, corrected for the phases
 * and trials; with sizes, also against the events at least as large as the smallest matched
 * one (the choice of that size paid for).
 */
function significance(
  fold: { hits: number; cycles: number; count: number; length: number },
  period: number,
  width: number,
  trials: number,
  sizes: Float64Array | undefined,
  matchedSize: number[],
): number {
  const { hits, cycles, count, length } = fold;
  const phasesTried = Math.max(1, period / (width + 1));
  const correction = Math.log(phasesTried * Math.max(1, trials));
  const against = (events: number) =>
    Math.min(
      logBinomialTail(hits, cycles, Math.min(1, (events / length) * (width + 1))),
      logOccupancyTail(hits, cycles, events, width + 1, length),
    ) + correction;
  const logP = against(count);
  if (!sizes || hits < JUDGE.minHits) return logP;
  let smallest = Infinity, larger = 0;
  for (const size of matchedSize) smallest = Math.min(smallest, size);
  for (let i = 0; i < count; i++) if (sizes[i] >= smallest) larger++;
  return Math.min(logP, against(larger) + Math.log(count));
}

/**
 * Folds with a period known only roughly: fits it on a growing prefix of the series first.
 *
 * Why: a period off by δ drifts k·δ after k cycles, so over 10 000 cycles a 0.01-point error
 * hides every spike from a fold of the whole series. Fitting on 16 cycles, then 32, 64, …
 * (each fit sharpening P enough for a window twice as long) locks onto the period in
 * O(log(n/P)) folds; the final fold over everything uses a tight window (and, when that is
 * not yet `enough` — ln p — a window of one point, which a train of whole-number period
 * fills as well).
 *
 * `spend(events)` is called before each fold with the number of events it folds (the caller
 * counts the work: `WORK_UNITS` in find_period.ts).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lockPeriod } from "./event_fold.ts";
 * // a spike every 50 points, proposed at 50.3: over 20 cycles the error would drift 6 points
 * const spikes = Float64Array.from({ length: 20 }, (_, k) => 17 + 50 * k);
 * assertEquals(lockPeriod(spikes, 1000, 50.3, 1.5, 1)?.period, 50);
 * ```
 */
export function lockPeriod(
  positions: Float64Array,
  length: number,
  period: number,
  tolerance: number,
  trials: number,
  sizes?: Float64Array,
  enough: number = JUDGE.maxLogP,
  spend: (events: number) => void = () => {},
): EventFold | null {
  let estimate = period;
  for (let span = JUDGE.lockCycles * period; span < length; span *= 2) {
    const end = upperBound(positions, span);
    spend(end);
    const fold = foldEvents(
      positions.subarray(0, end),
      span,
      estimate,
      tolerance,
      trials,
      sizes?.subarray(0, end),
    );
    if (!fold || fold.hits < JUDGE.minHits || fold.hits < JUDGE.minHitShare * fold.cycles) break;
    estimate = fold.period;
  }
  spend(positions.length);
  const loose = foldEvents(positions, length, estimate, tolerance, trials, sizes);
  if (!loose || loose.hits < JUDGE.minHits) return loose;
  // The tight fold decides once the period is locked: a loose window wider than the spacing
  // of a train's spikes within a multiple of its period would hold a spike in every cycle.
  spend(positions.length);
  const tight = foldEvents(positions, length, loose.period, JUDGE.tolerance, trials, sizes);
  if (!tight || tight.hits < JUDGE.minHits) return loose;
  if (tight.logP <= enough || tight.hits < JUDGE.minHitShare * tight.cycles) return tight;
  // A train of whole-number period sits exactly on its phase: a window of one point holding
  // the same cycles is as many hits against half the chance (paid for as a second test).
  spend(positions.length);
  const exact = foldEvents(
    positions,
    length,
    tight.period,
    JUDGE.exactTolerance,
    2 * trials,
    sizes,
  );
  return exact && exact.hits >= tight.hits && exact.logP < tight.logP ? exact : tight;
}

function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

import { promising, restOfProfile } from "./cycle_checks.ts";
import { type EventFold, lockPeriod } from "./event_fold.ts";
import type { Period } from "./find_period.ts";
import { fundamental } from "./fundamental.ts";
import { foldShape, profileCorrelation, type ShapeFold } from "./shape_fold.ts";
import { shapeFundamental } from "./shape_fundamental.ts";
import { type Judged, type Search, shapeBar, toleranceOf, type Train } from "./search.ts";
import { JUDGE, WORK_UNITS } from "./tuning.ts";

type TrainFold = EventFold & { kind: Train["kind"] };

/**
 * The spike-train judge: folds every proposal's spikes (up and down apart) and picks the
 * shortest period as strong as the best.
 *
 * Why: a cause tied to the data loader puts a spike at one phase of most cycles. Each proposal,
 * shortest first, is folded (`lockPeriod`: a binomial test against the series' own spike rate,
 * corrected for every period and phase tried); a multiple of a train already locked in 85 % of
 * its cycles is not folded again. Of the significant folds the shortest within `JUDGE.nearBest`
 * of the strongest wins and is divided down to its fundamental (`fundamental`). Spikes in only
 * some cycles of a shape that repeats in all of them lock onto a multiple of its period: when
 * the whole curve repeats at a divisor, the spikes are refolded there.
 *
 * Cost: O(proposals · E log E) for E events; each fold is announced to the search's checkpoint
 * first (`WORK_UNITS`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { judgeTrains } from "./judge_trains.ts";
 * import { startSearch } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // robust z-scores of 1000 points: noise, and a spike of z = 8 every 50 points from point 17
 * const z = Float64Array.from({ length: 1000 }, (_, i) => i % 50 === 17 ? 8 : noise());
 * const finite = new Uint8Array(1000).fill(1);
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * assertEquals(judgeTrains(startSearch(z, finite, settings))?.period, 50);
 * ```
 */
export function judgeTrains(search: Search): Period | null {
  foldProposals(search);
  const { settings } = search;
  const spiky = search.judged.filter((j) =>
    j.spikes && j.spikes.logP <= settings.maxLogP && j.spikes.hits >= JUDGE.minHits &&
    j.spikes.hits / j.spikes.cycles >= settings.minHitShare
  );
  if (spiky.length === 0) return null;
  const strongest = Math.max(...spiky.map((j) => j.spikes!.hits / j.spikes!.cycles));
  const chosen = spiky
    .filter((j) => j.spikes!.hits / j.spikes!.cycles >= JUDGE.nearBest * strongest)
    .sort((a, b) => a.period - b.period)[0];
  const train = search.trains.find((t) => t.kind === chosen.spikes!.kind)!;
  const base = fundamental(
    chosen.spikes!,
    train.positions,
    search.n,
    search.trials,
    train.sizes,
    undefined,
    search.spend,
  );
  const s = refoldAtShape(search, { ...base, kind: train.kind }, train);
  return trainPeriod(search, s);
}

/** Folds every proposal, shortest first, skipping multiples of trains already locked. */
function foldProposals(search: Search): void {
  const { settings, n, trials } = search;
  const tolerance = toleranceOf(search);
  // Shortest first: a multiple of a train already locked with most cycles hit cannot win.
  search.proposals.sort((a, b) => a - b);
  const locked: number[] = [];
  for (const proposal of search.proposals) {
    let best: Judged["spikes"] = null;
    const multiple = locked.some((p) => {
      const k = Math.round(proposal / p);
      return k >= 2 && Math.abs(proposal - k * p) <= tolerance * k;
    });
    for (const { kind, positions, sizes } of search.trains) {
      if (multiple) continue;
      const { spend } = search;
      if (!promising(positions, n, proposal, tolerance, settings.minHitShare, undefined, spend)) {
        continue;
      }
      const fold = lockPeriod(positions, n, proposal, tolerance, trials, sizes, undefined, spend);
      if (fold && (!best || fold.logP < best.logP)) best = { ...fold, kind };
    }
    if (best && best.hits >= JUDGE.lockShare * best.cycles && best.logP <= settings.maxLogP) {
      locked.push(best.period);
    }
    search.judged.push({ period: best?.period ?? proposal, spikes: best, shape: null });
  }
}

/**
 * Spikes in only some cycles of a shape that repeats in all of them lock onto a multiple of
 * its period: when the whole curve repeats at a divisor, the spikes are refolded there.
 */
function refoldAtShape(search: Search, s: TrainFold, train: Train): TrainFold {
  const { factor, settings } = search;
  const level = (p: number) => {
    search.checkpoint(WORK_UNITS.shapePoint * search.shape.length);
    return foldShape(search.shape, search.blocksFinite, p);
  };
  const significant = (p: number, f: ShapeFold) =>
    f.z >= shapeBar(search, p * factor) && f.explained >= settings.minExplained;
  const whole = level(s.period / factor);
  if (!significant(s.period / factor, whole)) return s;
  const divided = shapeFundamental(s.period / factor, whole, level, significant).period * factor;
  if (divided >= JUDGE.divided * s.period) return s;
  const fold = lockPeriod(
    train.positions,
    search.n,
    divided,
    toleranceOf(search),
    search.trials,
    train.sizes,
    undefined,
    search.spend,
  );
  return fold && fold.hits >= JUDGE.minHits && fold.logP <= settings.maxLogP
    ? { ...fold, kind: s.kind }
    : s;
}

/** The answer for a train, with the smoothness of the rest of its cycle when that repeats. */
function trainPeriod(search: Search, s: TrainFold): Period {
  const rest = restOfProfile(search.z, search.finite, s.period, s.phase);
  const { minShapeZ, minExplained } = search.settings;
  return {
    period: s.period,
    phase: s.phase,
    kind: s.kind,
    hits: s.hits,
    cycles: s.cycles,
    logP: s.logP,
    strength: s.hits / s.cycles,
    matched: s.matched,
    proposals: search.proposals.length,
    smoothness: rest.z >= minShapeZ && rest.explained >= JUDGE.restExplainedFactor * minExplained
      ? profileCorrelation(rest.profile, 1)
      : null,
  };
}

/**
 * Finds the period of a loss series' spikes or shape — or says there is none.
 *
 * Why: the usual answers are wrong in known ways. The argmax of the autocorrelation returns a
 * period for every series and often a multiple of the true one (r(P) ≈ r(2P) for a spike
 * train); a periodogram's argmax lands on a harmonic P/k; R's `findfrequency` is scale
 * dependent. Here the autocorrelation only proposes: its strongest peaks, each sharpened along
 * its multiples, and their divisors P/2…P/5. Each proposal is then judged by folding:
 *
 * - spikes (up and down separately): how many cycles hold a spike at one phase, against the
 *   series' own spike rate (a binomial test corrected for every phase and period tried);
 * - shape: how much variance one repeating profile explains (an F test), of the level (clipped
 *   z) or of the noise (ln |Δy|, which catches a running mean restarting every epoch).
 *
 * Of the significant proposals, the strongest kind wins, and within it the shortest period
 * that is nearly as strong as the best: a multiple is never shorter, and a fraction P/k holds
 * the spike in only 1/k of its cycles (or explains ~1/k of the variance), so it is never as
 * strong. Series longer than 32 768 points are reduced in blocks (their extreme and mean)
 * for the autocorrelation only; the fold tests always use every point.
 *
 * Cost: O(n + m log m) for m = min(n, 32 768) plus O(E log E) per proposal for E spikes; each
 * fold is announced to `options.checkpoint` first, in {@linkcode WORK_UNITS}.
 *
 * @example
 * ```ts
 * const { z, finite } = robustResiduals(loss);
 * findPeriod(z, finite)?.period; // in points, e.g. 157.0
 * ```
 */
import { affordableLags, autocorrelation2, autocorrelationAt } from "../series/mod.ts";
import { promising, restOfProfile } from "./cycle_checks.ts";
import { bestShape, finiteBlocks, noiseSignal, reduceSignals } from "./fold_signals.ts";
import { type Extreme, extremes, positionsOf, sizesOf } from "../spikes/detect_spikes.ts";
import { acfPeaks, refineByMultiples } from "./acf_peaks.ts";
import { type EventFold, lockPeriod } from "./event_fold.ts";
import { foldShape, profileCorrelation, type ShapeFold } from "./shape_fold.ts";
import { shapeFundamental } from "./shape_fundamental.ts";
import { fundamental } from "./fundamental.ts";

/** A period and how it was established. */
export interface Period {
  /** Period in points (not necessarily an integer). */
  period: number;
  /** Phase in points, in [0, period). */
  phase: number;
  /** What repeats: spikes up, spikes down (dips), or a whole shape. */
  kind: "spikes-up" | "spikes-down" | "shape";
  /** For spikes: cycles with a spike at the phase; for shape: the cycles spanned. */
  hits: number;
  cycles: number;
  /** Natural log of the corrected p-value of the winning test. */
  logP: number;
  /** For shape: the variance the profile explains; for spikes: hits / cycles. */
  strength: number;
  /** Point indices of the spikes at the phase (spikes kinds only). */
  matched: number[];
  /** How many periods were proposed and tested. */
  proposals: number;
  /**
   * For a repeating shape — or a spike train whose cycle repeats beyond the spike (the rest of
   * the cycle significant and explaining ≥ 15 % of the variance around it) — the lag-1
   * autocorrelation of the profile (near 1 for a slow shape such as a warm restart, near 0 for
   * a per-step profile such as unshuffled data); else null.
   */
  smoothness: number | null;
}

/** Tuning of the detector (defaults are what the service uses). */
export interface PeriodOptions {
  /** |z| an event needs to take part in the spike fold (default 3.5). */
  eventThreshold?: number;
  /** ln p-value a fold must reach (default ln 1e-6). */
  maxLogP?: number;
  /** Share of cycles that must hold the spike (default 0.5). */
  minHitShare?: number;
  /**
   * z of the shape F test (default 6; 3 more below 8 cycles) and explained variance (default
   * 0.05) it must reach.
   */
  minShapeZ?: number;
  minExplained?: number;
  /**
   * Called before each fold with the units of work it is about to spend (see
   * {@linkcode WORK_UNITS}); may throw to abandon the search. The service passes a counter
   * that throws once the request's counted work passes `MAX_ANALYSIS_WORK`, so that the same
   * series gets the same answer on any machine under any load.
   */
  checkpoint?: (units: number) => void;
}

const REDUCED_LENGTH = 32_768;

/**
 * What a fold costs, in units of work: one unit is one point binned by a shape fold (a few
 * nanoseconds), so a shape fold over m points is m units; one event folded by a spike fold
 * (its phase computed and sorted, its cycle matched) is `eventFold` units. Each fold is
 * announced with the events or points it folds, just before it runs: the quick look at a
 * proposal (`promising`, its first 16 cycles), each fold of `lockPeriod` (prefix spans doubling
 * to the whole series, then a loose, a tight and an exact fold) and of `fundamental`, each
 * shape fold. `eventFold` is measured by `bench/work_budget.ts` as the time per event of
 * `foldEvents` over the time per point of `foldShape` on the same machine, rounded up.
 */
export const WORK_UNITS = { shapePoint: 1, eventFold: 50 } as const;

export function findPeriod(
  z: Float64Array,
  finite: Uint8Array,
  options: PeriodOptions = {},
  values?: Float64Array,
  /** Robust z-scores of level shifts (computed only when no spike train is found), and the
   * points each side of a shift needs. */
  shifts?: { compute: () => Float64Array; width: number },
): Period | null {
  const {
    eventThreshold = 3.5,
    maxLogP = Math.log(1e-6),
    minHitShare = 0.5,
    minShapeZ = 6,
    minExplained = 0.05,
    checkpoint = () => {},
  } = options;
  const n = z.length;
  if (n < 12) return null;
  const factor = Math.max(1, Math.ceil(n / REDUCED_LENGTH));
  const { spikes, shape } = reduceSignals(z, factor);
  // Peaks are sought up to a third of the series, by one transform that holds those lags; they
  // are sharpened along their multiples up to the whole series, the lags beyond the transform
  // summed directly (a few, near the multiples).
  const maxLag = Math.floor(spikes.length / 3);
  const lags = affordableLags(spikes.length, maxLag);
  const [acfSpikes, acfShape] = autocorrelation2(spikes, shape, lags);
  const proposals: number[] = [];
  const propose = (acf: Float64Array, series: Float64Array) => {
    const far = autocorrelationAt(series);
    const at = (lag: number) => lag < acf.length ? acf[lag] : far(lag);
    for (const lag of acfPeaks(acf, 2, maxLag, 4)) {
      const period = refineByMultiples(at, lag, series.length - 2) * factor;
      for (let k = 1; k <= 3; k++) addProposal(proposals, period / k);
    }
  };
  propose(acfSpikes, spikes);
  propose(acfShape, shape);
  // Folding costs O(E log E) per proposal: a series that spikes everywhere keeps only its
  // strongest events (a cause worth finding is among them), at most max(20 000, n / 25).
  const cap = Math.max(20_000, Math.floor(n / 25));
  const events = strongest(extremes(z, eventThreshold), cap);
  const up = positionsOf(events, "up"), down = positionsOf(events, "down");
  const upSizes = sizesOf(events, "up"), downSizes = sizesOf(events, "down");
  const trials = 2 * proposals.length;
  const spend = (events: number) => checkpoint(WORK_UNITS.eventFold * events);

  interface Judged {
    period: number;
    spikes: (EventFold & { kind: "spikes-up" | "spikes-down" }) | null;
    shape: ShapeFold | null;
  }
  const judged: Judged[] = [];
  // Shortest first: a multiple of a train already locked with most cycles hit cannot win.
  proposals.sort((a, b) => a - b);
  const locked: number[] = [];
  const blocksFinite = finiteBlocks(finite, factor);
  const trains = [["spikes-up", up, upSizes], ["spikes-down", down, downSizes]] as const;
  for (const proposal of proposals) {
    let best: Judged["spikes"] = null;
    const multiple = locked.some((p) => {
      const k = Math.round(proposal / p);
      return k >= 2 && Math.abs(proposal - k * p) <= Math.max(1.5, factor) * k;
    });
    const tolerance = Math.max(1.5, factor);
    const worth = multiple
      ? []
      : trains.filter(([, positions]) =>
        promising(positions, n, proposal, tolerance, minHitShare, undefined, spend)
      );
    for (const [kind, positions, sizes] of worth) {
      const fold = lockPeriod(positions, n, proposal, tolerance, trials, sizes, undefined, spend);
      if (fold && (!best || fold.logP < best.logP)) best = { ...fold, kind };
    }
    if (best && best.hits >= 0.85 * best.cycles && best.logP <= maxLogP) locked.push(best.period);
    judged.push({ period: best?.period ?? proposal, spikes: best, shape: null });
  }

  // Over few cycles a fold is little more than the autocorrelation at that lag, and the lag
  // was picked as a peak of it: fewer than 8 cycles must clear a higher bar.
  const shapeZ = (period: number) => (n / period >= 8 ? minShapeZ : minShapeZ + 3);
  const spiky = judged.filter((j) =>
    j.spikes && j.spikes.logP <= maxLogP && j.spikes.hits >= 3 &&
    j.spikes.hits / j.spikes.cycles >= minHitShare
  );
  if (spiky.length > 0) {
    const strongest = Math.max(...spiky.map((j) => j.spikes!.hits / j.spikes!.cycles));
    const chosen = spiky
      .filter((j) => j.spikes!.hits / j.spikes!.cycles >= 0.85 * strongest)
      .sort((a, b) => a.period - b.period)[0];
    const [positions, sizes] = chosen.spikes!.kind === "spikes-up"
      ? [up, upSizes]
      : [down, downSizes];
    let s = {
      ...fundamental(
        chosen.spikes!,
        positions,
        n,
        trials,
        sizes,
        undefined,
        spend,
      ),
      kind: chosen.spikes!.kind,
    };
    // Spikes in only some cycles of a shape that repeats in all of them lock onto a multiple
    // of its period: when the whole curve repeats at a divisor, the spikes are refolded there.
    const level = (p: number) => {
      checkpoint(WORK_UNITS.shapePoint * shape.length);
      return foldShape(shape, blocksFinite, p);
    };
    const significant = (p: number, f: ShapeFold) =>
      f.z >= shapeZ(p * factor) && f.explained >= minExplained;
    const whole = level(s.period / factor);
    if (significant(s.period / factor, whole)) {
      const divided = shapeFundamental(s.period / factor, whole, level, significant).period *
        factor;
      if (divided < 0.98 * s.period) {
        const fold = lockPeriod(
          positions,
          n,
          divided,
          Math.max(1.5, factor),
          trials,
          sizes,
          undefined,
          spend,
        );
        if (fold && fold.hits >= 3 && fold.logP <= maxLogP) s = { ...fold, kind: s.kind };
      }
    }
    const rest = restOfProfile(z, finite, s.period, s.phase);
    return {
      period: s.period,
      phase: s.phase,
      kind: s.kind,
      hits: s.hits,
      cycles: s.cycles,
      logP: s.logP,
      strength: s.hits / s.cycles,
      matched: s.matched,
      proposals: proposals.length,
      smoothness: rest.z >= minShapeZ && rest.explained >= 3 * minExplained
        ? profileCorrelation(rest.profile, 1)
        : null,
    };
  }
  // No spike train: the noise profile and the level shifts propose too (one transform for
  // both), and every proposal is folded as a shape.
  const changes = noiseSignal(values ?? z, factor, finite);
  const steps = shifts?.compute() ?? null;
  const known = proposals.length;
  const reducedSteps = steps ? reduceSignals(steps, factor).spikes : null;
  const [acfChanges, acfSteps] = autocorrelation2(
    changes,
    reducedSteps ?? new Float64Array(changes.length),
    lags,
  );
  propose(acfChanges, changes);
  if (reducedSteps) propose(acfSteps, reducedSteps);
  for (const proposal of proposals.slice(known)) {
    judged.push({ period: proposal, spikes: null, shape: null });
  }
  const shapeWork = 2 * WORK_UNITS.shapePoint * shape.length;
  for (const j of judged) {
    checkpoint(j.period / factor >= 2 ? shapeWork : 0);
    if (j.period / factor >= 2) {
      j.shape = bestShape(shape, changes, blocksFinite, j.period / factor);
    }
  }

  const shaped = judged.filter((j) =>
    j.shape && j.shape.z >= shapeZ(j.period) && j.shape.explained >= minExplained
  );
  if (shaped.length > 0) {
    const strongest = Math.max(...shaped.map((j) => j.shape!.explained));
    const chosen = shaped
      .filter((j) => j.shape!.explained >= 0.85 * strongest)
      .sort((a, b) => a.period - b.period)[0];
    // A profile folded at a multiple repeats within itself: divide down to the fundamental.
    const divided = shapeFundamental(
      chosen.period / factor,
      chosen.shape!,
      (p) => {
        checkpoint(shapeWork);
        return bestShape(shape, changes, blocksFinite, p);
      },
      (p, f) => f.z >= shapeZ(p * factor) && f.explained >= minExplained,
    );
    let period = divided.period * factor, fold = divided.fold;
    if (factor > 1) {
      // Blocks of `factor` points blur a cycle shorter than a few blocks (97 points in blocks
      // of 31): found at a multiple, the profile is divided again on every point.
      const fullWork = 2 * WORK_UNITS.shapePoint * n;
      checkpoint(fullWork);
      const full = reduceSignals(z, 1).shape, fullChanges = noiseSignal(values ?? z, 1, finite);
      const foldFull = (p: number) => {
        checkpoint(fullWork);
        return bestShape(full, fullChanges, finite, p);
      };
      const atPeriod = foldFull(period);
      const significant = (p: number, f: ShapeFold) => f.z >= shapeZ(p);
      if (significant(period, atPeriod)) {
        const fine = shapeFundamental(period, atPeriod, foldFull, significant);
        if (fine.period < 0.98 * period) [period, fold] = [fine.period, fine.fold];
      }
    }
    return {
      period,
      phase: 0,
      kind: "shape",
      hits: Math.floor(n / period),
      cycles: Math.floor(n / period),
      logP: -0.5 * fold.z * fold.z,
      strength: fold.explained,
      matched: [],
      proposals: proposals.length,
      smoothness: profileCorrelation(fold.profile, 1),
    };
  }
  // Resets: a jump of either sign at one phase of most cycles (a running mean restarting),
  // seen as a spike or as a shift of the level.
  // A shift is seen only where `shifts.width` points exist on both sides: its train is folded
  // over that span, so that the first and last cycles are not counted as misses.
  const resetTrains = [{ train: events, offset: 0 }];
  if (steps && shifts) {
    resetTrains.push({
      train: strongest(extremes(steps, eventThreshold), cap),
      offset: shifts.width,
    });
  }
  const resetTrials = 2 * proposals.length * resetTrains.length;
  let resets: EventFold | null = null;
  for (const { train, offset } of resetTrains) {
    const both = Float64Array.from(train, (e) => e.index - offset);
    const bothSizes = Float64Array.from(train, (e) => Math.abs(e.z));
    const span = n - 2 * offset;
    for (const proposal of proposals) {
      const tolerance = Math.max(1.5, factor);
      if (!promising(both, span, proposal, tolerance, minHitShare, undefined, spend)) continue;
      const fold = lockPeriod(
        both,
        span,
        proposal,
        tolerance,
        resetTrials,
        bothSizes,
        undefined,
        spend,
      );
      if (
        fold && fold.logP <= maxLogP && fold.hits >= 3 &&
        fold.hits / fold.cycles >= minHitShare &&
        (!resets || fold.hits / fold.cycles > 1.15 * (resets.hits / resets.cycles))
      ) {
        const f = fundamental(
          fold,
          both,
          span,
          resetTrials,
          bothSizes,
          undefined,
          spend,
        );
        resets = {
          ...f,
          phase: (f.phase + offset) % f.period,
          matched: f.matched.map((i) => i + offset),
        };
      }
    }
  }
  if (resets) {
    return {
      period: resets.period,
      phase: resets.phase,
      kind: "shape",
      hits: resets.hits,
      cycles: resets.cycles,
      logP: resets.logP,
      strength: resets.hits / resets.cycles,
      matched: resets.matched,
      proposals: proposals.length,
      smoothness: null,
    };
  }
  return null;
}

/** The `cap` largest events by |z|, in index order (all of them when there are fewer). */
function strongest(events: Extreme[], cap: number): Extreme[] {
  if (events.length <= cap) return events;
  return events.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, cap)
    .sort((a, b) => a.index - b.index);
}

function addProposal(proposals: number[], period: number): void {
  if (!(period >= 2)) return;
  if (proposals.some((p) => Math.abs(p - period) <= 0.01 * period)) return;
  proposals.push(period);
}

import { judgeResets } from "./judge_resets.ts";
import { judgeShapes, proposeShapes, type Shifts } from "./judge_shapes.ts";
import { judgeTrains } from "./judge_trains.ts";
import { startSearch } from "./search.ts";
import { JUDGE, PROPOSE } from "./tuning.ts";

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
  /** The cycles the series spans at the phase. */
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
  /** The share of the variance a repeating shape must explain (default 0.05). */
  minExplained?: number;
  /**
   * Called before each fold with the units of work it is about to spend (see
   * {@linkcode WORK_UNITS}); may throw to abandon the search. The service passes a counter
   * that throws once the request's counted work passes `MAX_ANALYSIS_WORK`, so that the same
   * series gets the same answer on any machine under any load.
   */
  checkpoint?: (units: number) => void;
}

/** What a fold costs, in units of work (`tuning.ts`). */
export { WORK_UNITS } from "./tuning.ts";

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
 * The search runs as stages over one record (`search.ts`): propose (`propose.ts`), judge the
 * spike trains (`judge_trains.ts`), then — when none holds — propose from the noise profile and
 * the level shifts and judge the shapes (`judge_shapes.ts`), then the resets of either sign
 * (`judge_resets.ts`). Every tuning value is in `tuning.ts`.
 *
 * Cost: O(n + m log m) for m = min(n, 32 768) plus O(E log E) per proposal for E spikes; each
 * fold is announced to `options.checkpoint` first, in {@linkcode WORK_UNITS}.
 *
 * `values` (the series itself, for the noise profile and the seasonal fold) and `shifts`
 * (robust z-scores of level shifts, computed only when no spike train is found) add the shape
 * and reset proposals; without them the shape judge folds the z-scores.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { findPeriod } from "./find_period.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // robust z-scores of 1000 points: noise, and a spike of z = 8 every 50 points from point 17
 * const z = Float64Array.from({ length: 1000 }, (_, i) => i % 50 === 17 ? 8 : noise());
 * const finite = new Uint8Array(1000).fill(1);
 * const period = findPeriod(z, finite);
 * assertEquals([period?.period, period?.phase, period?.kind], [50, 17, "spikes-up"]);
 * assertEquals([period?.hits, period?.cycles], [20, 20]);
 * // the noise alone repeats nothing
 * assertEquals(findPeriod(z.map((v) => v === 8 ? noise() : v), finite), null);
 * ```
 */
export function findPeriod(
  z: Float64Array,
  finite: Uint8Array,
  options: PeriodOptions = {},
  values?: Float64Array,
  /** Robust z-scores of level shifts (computed only when no spike train is found), and the
   * points each side of a shift needs. */
  shifts?: Shifts,
): Period | null {
  const settings = {
    eventThreshold: options.eventThreshold ?? JUDGE.eventThreshold,
    maxLogP: options.maxLogP ?? JUDGE.maxLogP,
    minHitShare: options.minHitShare ?? JUDGE.minHitShare,
    minShapeZ: options.minShapeZ ?? JUDGE.minShapeZ,
    minExplained: options.minExplained ?? JUDGE.minExplained,
  };
  if (z.length < PROPOSE.minPoints) return null;
  const search = startSearch(z, finite, settings, options.checkpoint);
  const train = judgeTrains(search);
  if (train) return train;
  // No spike train: the noise profile and the level shifts propose too, and every proposal is
  // folded as a shape; failing that, as a train of resets of either sign.
  const signals = proposeShapes(search, values, shifts);
  return judgeShapes(search, signals, values) ?? judgeResets(search, signals, shifts);
}

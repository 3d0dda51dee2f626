/**
 * Every tuning value of the period search, one table per stage, each with the reason for its
 * value: `PROPOSE` (which periods are worth a test) and `JUDGE` (the fold tests and how the
 * winner is chosen). The other constants in `lib/period/` are mathematics (a parabola's vertex,
 * a binomial tail), not choices.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { JUDGE } from "./tuning.ts";
 * assertAlmostEquals(Math.exp(JUDGE.maxLogP), 1e-6, 1e-18); // the corrected p-value to reach
 * ```
 *
 * @module
 */

/** Which periods are proposed to the judges. */
export const PROPOSE = {
  /** Below this many points there are too few cycles of any period ≥ 2 for a fold to decide. */
  minPoints: 12,
  /**
   * Points the autocorrelation runs on at most; longer series are reduced in blocks of
   * ⌈n / this⌉ (an FFT of 10⁶ points costs more than parsing them; a period is found as well on
   * blocks that keep each block's extreme and mean).
   */
  reducedLength: 32_768,
  /** Peaks are sought up to this share of the series: a period needs 3 cycles to be folded. */
  maxLagShare: 1 / 3,
  /** Shortest lag a peak may sit at: a period of 1 point is no period. */
  minLag: 2,
  /** Peaks kept per signal: the true period, its multiples and a harmonic are among the top 4. */
  peaks: 4,
  /**
   * Each peak P also proposes P/2 and P/3: an autocorrelation of a train that skips cycles peaks
   * at a multiple; the divisors beyond 3 are tried by the judges' fundamental search.
   */
  divisors: 3,
  /** Two proposals within 1 % are one: a fold locks the period by least squares anyway. */
  sameProposal: 0.01,
  /**
   * A peak's multiples sharpen it only while they stay above half its height (beyond that the
   * multiple is noise, not the same structure).
   */
  multipleHeight: 0.5,
  /** The spike signal: |z| beyond 2.5 counts (below it Gaussian noise fills 1 % of the points). */
  spikeFloor: 2.5,
  /** … capped 6 above the floor, so one huge spike cannot outweigh a train of ordinary ones. */
  spikeCap: 6,
  /** The shape signal clips z to ±4: a profile, not its spikes. */
  shapeClip: 4,
  /** ln |Δy| of a flat step is ln 0: a floor far below any loss change keeps it finite. */
  changeFloor: 1e-12,
  /** The noise profile (ln |Δy|) is folded from 4 points per cycle (a running mean of 6–8). */
  noiseMinPeriod: 4,
} as const;

/** The fold tests, their significance, and how the winner is chosen. */
export const JUDGE = {
  /** |z| an event needs to take part in the spike fold (3.5 σ: 1 point in 2000 of noise). */
  eventThreshold: 3.5,
  /** ln of the corrected p-value a fold must reach (10⁻⁶ after every period and phase tried). */
  maxLogP: Math.log(1e-6),
  /** Share of cycles that must hold the spike: a cause tied to the loader hits most epochs. */
  minHitShare: 0.5,
  /** Fewest cycles holding the spike: two points make no train. */
  minHits: 3,
  /** z of the shape F test a profile must reach (its null is N(0, 1)). */
  minShapeZ: 6,
  /** Below this many cycles a fold is little more than the autocorrelation peak that chose it … */
  fewCycles: 8,
  /** … and must clear this much more z. */
  fewCyclesExtraZ: 3,
  /** Variance a profile must explain: 5 % is the least a person sees in the plot. */
  minExplained: 0.05,
  /**
   * The spike fold keeps the strongest max(20 000, n / 25) events: O(E log E) per proposal, and a
   * cause worth finding is among the strongest.
   */
  eventCap: 20_000,
  eventCapShare: 1 / 25,
  /** ± points a spike may sit from its phase (a step either way of a logged mean's block). */
  tolerance: 1.5,
  /** A train hitting 85 % of its cycles is locked: its multiples are not judged again. */
  lockShare: 0.85,
  /**
   * Of the significant periods, the shortest within 85 % of the best strength wins: a multiple
   * is never shorter, and P/k holds the spike in only 1/k of its cycles.
   */
  nearBest: 0.85,
  /**
   * A spike train's cycle repeats beyond the spike when the rest of it explains 3 × minExplained
   * (15 %) of the variance: a tail's remnant over 98 cycles is significant, not the data order.
   */
  restExplainedFactor: 3,
  /** The rest of the cycle leaves out 3 points before the spike … */
  restBefore: 3,
  /** … and its momentum tail, 30 % of the cycle (at least 3 points). */
  restTailShare: 0.3,
  /** A fundamental below 98 % of the period found is a real division, not rounding. */
  divided: 0.98,
  /** Resets: a later train replaces an earlier one only 15 % stronger (ties keep the first). */
  resetLead: 1.15,
  /** A quick look at the first 16 cycles decides whether a full fold is worth it. */
  quickCycles: 16,
  /** Spikes so dense that a window holds one by chance 90 % of the time: no fold can tell. */
  maxChance: 0.9,
  /** The prefix over which a rough period is locked starts at 16 cycles and doubles. */
  lockCycles: 16,
  /** A window of one point (±0.5) for trains of whole-number period. */
  exactTolerance: 0.5,
  /** The fundamental search looks at 24 of the matched spikes for a neighbour P/k away … */
  fundamentalSample: 24,
  /** … for k up to 64 … */
  maxDivisor: 64,
  /** … and keeps P/k when it holds 60 % of P's share of them (P's share is the best of k). */
  fundamentalShare: 0.6,
  /** A profile is divided by k when its k parts correlate at 0.35 (three of them checked) … */
  repeatCorrelation: 0.35,
  /** … up to 64 parts … */
  maxRepeats: 64,
  /** … and k = 2…16 are also tried for profiles smooth in sub-point phase order. */
  maxSmoothDivisor: 16,
  /** A divisor within 0.05 of a whole number folds on whole points. */
  wholeDivisor: 0.05,
  /** The sub-point phase order is computed for profiles of up to 4096 bins (a sort each). */
  maxPhaseOrderBins: 4096,
  /** Smooth in sub-point phase order: lag-1 correlation ≥ 0.7 … */
  smoothOrder: 0.7,
  /** … and 0.4 above the profile's own. */
  smoothGain: 0.4,
  /** A whole divisor keeps 85 % of the explained variance (noise takes a little). */
  wholeKeeps: 0.85,
  /** A fractional divisor keeps 55 % at least, or 90 % of what smearing predicts. */
  fractionKeeps: 0.55,
  smearKeeps: 0.9,
  /** A smooth fractional divisor needs only 30 %. */
  smoothKeeps: 0.3,
} as const;

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

/**
 * Every tuning value of the spike analysis, one table per stage of the pipeline, each with the
 * reason for its value: `PREPARE` (residuals, level shifts), `LOCATE` (the epoch, the phase,
 * the running-mean restart), `LIST` (which points are spikes, which are isolated) and
 * `EXPLAIN` (the diagnosis rules). The period search's own tables are in `../period/tuning.ts`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LIST } from "./tuning.ts";
 * assertEquals(LIST.spikeZ, 6); // the robust z a point needs to be listed as a spike
 * ```
 *
 * @module
 */

/** Residuals, level shifts and the epoch's boundary points. */
export const PREPARE = {
  /** Points per block of the local noise scale (a MAD per block, at least 2 × this wide). */
  scaleBlock: 64,
  /**
   * The onset score compares a point with the trend 13 points before it: half the trend's 25
   * points, so a spike's slow recovery has not lifted that trend yet.
   */
  onsetLag: 13,
  /** The noise scale's floor in ln(loss): z stays finite on a constant curve. */
  logScaleFloor: 1e-9,
  /** The floor on a linear scale, relative to the largest |value|. */
  linearScaleFloor: 1e-9,
  /**
   * Values rounded to a decimal step q get a noise scale of at least q / 2: one step is then
   * z ≤ 2, below the 3.5 a period's event needs and the 6 a listed spike needs.
   */
  quantumNoise: 0.5,
  /** Points each side of a level shift: a running mean's step is seen over 4 points. */
  shiftWidth: 4,
  /** A shift is measured on z clipped to ±3, so that a spike is not a step up and then down. */
  shiftClip: 3,
  /** The shifts' scale floor, relative to the smallest noise scale. */
  shiftScaleFloor: 1e-3,
  /** The baseline of a spike or a boundary: the median of the 10 finite points before it. */
  baselinePoints: 10,
  /** A boundary point counts as a spike from |z| ≥ 3 (in the ratio's direction). */
  boundaryZ: 3,
  /** Slow shapes are sought in block medians of 8 and then 64 points … */
  coarseBlocks: [8, 64],
  /** … while at least 200 blocks remain. */
  coarseMinBlocks: 200,
} as const;

/** The period against the epoch, its phase, and the running-mean signature. */
export const LOCATE = {
  /**
   * A profile at the epoch repeats through the run: folded on each half of the epochs, the two
   * profiles correlate by 0.3 or more (a learning-rate step leaves a ramp in one epoch only).
   */
  epochShapeAgreement: 0.3,
  /**
   * Values undone as running means of the epoch (`running_mean_likelihood.ts`) are running means
   * when that reading is the more likely of the two, by e^0.05 per difference (per-step losses
   * with the epoch given score −0.5 to −1.2 per difference on synthetic runs, running means
   * with 4–10 points an epoch 0.02 to 1.4; 200 an epoch, 1.4 to 1.9) …
   */
  runningMeanLogRatio: 0.05,
  /** … and e^7 (≈ 10³) in all … */
  runningMeanMinLogRatio: 7,
  /**
   * … and the per-step reading's scatter is 0.1 % of the level or more: below that (a constant
   * curve, values rounded flat) both readings fit nothing but rounding, and the undoing's
   * Jacobian alone would decide.
   */
  runningMeanMinScatter: 1e-3,
  /**
   * … and at most 5 % of the consecutive values are equal: values rounded as coarsely as their
   * noise (4 decimals near 10⁻³) have differences of whole rounding steps, many of them 0, which
   * the per-step reading cannot fit and the undoing (which multiplies them) smooths over.
   */
  runningMeanMaxTies: 0.05,
  /**
   * … and the per-step reading's differences are noise: detrended by their neighbours, their MAD
   * stays half of what it was or more (noise: about 1.2; a smooth oscillation's differences are
   * predicted by their neighbours, and neither reading's noise model then says anything).
   */
  runningMeanNoiseShare: 0.5,
  /**
   * The undoing reads the last 2¹⁶ points at most: how values are logged does not change within
   * a run, and 10⁶ points would cost a tenth of a second for nothing more.
   */
  runningMeanMaxPoints: 65_536,
  /**
   * Differences beyond 3 scales count in proportion to their size, not its square (a Huber
   * density): a spike or a partial batch then cannot set either reading's scale.
   */
  runningMeanHuber: 3,
  /**
   * With the epoch found by another judge, the cause is a running mean's restart when the undoing
   * is the likelier reading at all (ln ratio > 0): a choice between two causes of one effect.
   */
  runningMeanCauseLogRatio: 0,
  /**
   * … over at least 5 epochs of two logged points or more: over 3, a staircase's two drops (a
   * 3-epoch fine-tune) are all there is to fit, and cost the per-step reading more than the
   * undoing, whose noise they multiply.
   */
  runningMeanEpochs: 5,
  /** A period is the epoch within one logged point or 2 % of it. */
  epochTolerance: 0.02,
  /** The epoch tested directly: a boundary spike is |z| ≥ 3 … */
  epochZ: 3,
  /** … in at least 3 epochs … */
  epochMinEpochs: 3,
  /** … and 60 % of them … */
  epochMinShare: 0.6,
  /** … at p ≤ 10⁻⁴ after the 4 trials (2 sides × up or down). */
  epochMaxP: 1e-4,
  epochTrials: 4,
  /**
   * The epoch folded as a profile (one F test): z ≥ 4 (p ≈ 3·10⁻⁵), where the blind search,
   * paying for every period and phase it tried, asks 6.
   */
  epochShapeZ: 4,
  /** A period is a fraction of the epoch when the epoch is within 5 % of a whole multiple. */
  epochFraction: 0.05,
  /**
   * An upward train is checked for a running mean only when 15 % of its cycles hold a dip at its
   * phase (a restart jumps either way; a spike with a momentum tail decays alike but never dips).
   */
  mixedShare: 0.15,
  /** A dip is z ≤ −3.5 … */
  dipZ: -3.5,
  /** … within ±1.5 points of the phase. */
  dipReach: 1.5,
  /** Logged means holding both boundaries: the side spiking in 20 % more epochs wins. */
  boundaryLead: 0.2,
  /** With a point a step, a period within 0.2 of a whole number is folded at that number. */
  wholeStep: 0.2,
  /**
   * A profile restarts when it changes by 40 % of its range within 5 % of the cycle (a sine's
   * third harmonic moves 24 % of its range so fast; a warm restart rises within 1–5 %).
   */
  restartWidth: 0.05,
  restartRange: 0.4,
  /** A boundary point holding 40 % of the epoch profile's variance is a diluted spike. */
  boundaryShare: 0.4,
  /** A running mean: ln |Δy| falls with slope ≤ −0.35 against ln j (1/j gives −1) … */
  decaySlope: -0.35,
  /**
   * A running mean's restart zone starts 2 points before the bin of its largest change (the
   * first means' noise can peak a point or two after the restart) …
   */
  restartSlack: 2,
  /** … measured from an eighth of the cycle, past a spike's momentum tail … */
  decayFrom: 1 / 8,
  /**
   * … and significantly so, at p ≤ 0.05 one-sided (Student's t on the bins' regression), over 8
   * bins or more: the mean |Δy| of a few bins of a few short cycles falls as steeply by chance
   * (a cycle of fewer bins is told by its jump).
   */
  decayP: 0.05,
  decayBins: 8,
  /** Or its restart jumps by 20–80 % of the cycle's drift (a running mean: about half) … */
  jumpShare: [0.2, 0.8],
  /** … and twice the share a smooth drift has in as many points of the cycle … */
  restartFairShare: 2,
  /** … the drift's way in 4 of every 5 cycles … */
  steadyShare: 0.8,
  /** … or in 7 of 10 when that many cycles make it p ≤ 10⁻³ … */
  looseSteadyShare: 0.7,
  steadyMaxP: 1e-3,
  /**
   * … and (that test being for a loss that falls faster than its noise) unless the noise is
   * visible — no more than 75 % of the changes within the cycle go the drift's way — and does
   * not decay (its slope significantly above −0.5, p ≤ 0.01), as a running mean's would …
   */
  visibleNoise: 0.75,
  /** … with no other step moving a fifth as much … */
  otherStep: 0.2,
  /** … in at least 4 cycles. */
  minRestarts: 4,
  /** The staircase: levels are means of a quarter of an epoch on each side of a boundary … */
  stairWindow: 1 / 4,
  /** … or of what the run holds there (an excerpt, a short epoch), 3 points at least … */
  stairMinWindow: 3,
  /** … the steps, pooled over the boundaries, at z ≤ −3 (one test: the epoch is given) … */
  stairZ: 3,
  /** … most boundaries (two thirds) stairs, the new epoch climbing back less than half … */
  stairHold: 0.5,
  stairShare: 2 / 3,
  /** … by 5 % in the median: a step a person sees in the plot. */
  stairDrop: 0.05,
  /**
   * With no epoch given, a staircase proposes its own period from 5 drops or more (4 spacings;
   * a step schedule of the learning rate rarely has so many) within 10 % of whole multiples of
   * their median spacing …
   */
  blindStairs: 5,
  blindStairSpread: 0.1,
  /** … and must reach z ≤ −5: the period and phase were chosen from the same drops. */
  blindStairZ: 5,
  /**
   * A progress bar printing every k batches: the restart jumps either way (up in 20–80 % of 3 or
   * more cycles) by 5 times the median change of the other bins — its first value is one batch,
   * the next a mean of k — …
   */
  minBatchRestarts: 3,
  restartNoise: 5,
  /** … and over it and the next two bins moves the drift's way by a fifth of its travel. */
  settleShare: 0.2,
  /** A transient: a jump of one sign (rises in ≤ 20 % or ≥ 80 % of the cycles) … */
  oneSign: [0.2, 0.8],
  /** … that the 3 steps before or after undo by half. */
  transientSide: 3,
  transientUndo: 0.5,
} as const;

/** Which points are listed as spikes and which are isolated. */
export const LIST = {
  /** A spike is |z| ≥ 6: the usual z-score clippers' bar (ZClip, OLMo's skip step). */
  spikeZ: 6,
  /** An isolated spike stands 2.5 × the series' tail quantile of |z| above its trend. */
  isolatedFactor: 2.5,
  /** The tail quantile: the 99th percentile, at least 10 points below the top … */
  tailQuantile: 0.99,
  tailPoints: 10,
  /** … and no lower than the 95th (below 200 points a blow-up's steps would set the bar). */
  minTailQuantile: 0.95,
  /** The quantile is taken on an evenly strided sample of at most 100 000 points. */
  tailSample: 100_000,
  /**
   * A spike past the bar at 3× the points before it is isolated whatever the tail: a jump a
   * person sees in the plot (the tail quantile of a short, spiky series is its spikes).
   */
  bigRatio: 3,
  /** An isolated spike changes the loss by at least 10 % (|ln ratio| ≥ 0.1). */
  isolatedLogRatio: 0.1,
  /** Within 3 points of a periodic train's phase, a spike belongs to the train. */
  nearPhase: 3,
  /** A train's momentum tail: 10 % of the period, 2 to 30 points after the spike … */
  tailShare: 0.1,
  tailMin: 2,
  tailMax: 30,
  /** … from 1.5 points after it, for points under 4 × the spike bar (24). */
  tailStart: 1.5,
  tailZFactor: 4,
  /** Most spikes listed in a report (the count is always complete). */
  maxListed: 10_000,
} as const;

/** The diagnosis rules. */
export const EXPLAIN = {
  /** A spike train's rest of cycle with lag-1 correlation below 0.5 is rough: the data order. */
  roughProfile: 0.5,
  /** A running mean hides the real curve when a restart moves the logged value by 10 %. */
  hiddenCurve: 0.1,
  /** An isolated spike of 3× (or ⅓) is a warning; smaller ones are information. */
  isolatedWarning: 3,
  /** The rise is measured on an evenly strided sample of at most 200 000 points … */
  risingSample: 200_000,
  /** … as the median of its last tenth … */
  risingTail: 10,
  /** … against the lowest median of 20 equal stretches before it. */
  risingStretches: 20,
  /** Ending 30 % above the lowest level is a rise (a plateau's noise stays well within it) … */
  risingWarning: 1.3,
  /** … and 2 standard errors beyond what the lowest of the stretch medians reaches by chance … */
  risingZ: 2,
  /** … and 3× is critical … */
  risingCritical: 3,
  /**
   * … when the rise has given back half of the descent before it (in ln(loss)): a run heading
   * back to where it began, not a small loss that tripled after falling 300-fold.
   */
  risingCriticalShare: 0.5,
  /** The loss explodes at 10× the lowest level it had reached (the definition) … */
  explodeFactor: 10,
  /** … and 6 noise scales (the spike bar) above it, in ln(loss), beyond the run's scatter … */
  explodeZ: 6,
  /** … and has come back when the loss after it is within √10 of that level: half the way, in ln. */
  recoveredFactor: Math.sqrt(10),
  /** Exploded points 1 or 2 apart are one excursion (a blow-up that flickers below 10×). */
  excursionGap: 2,
  /** An excursion holds 2 exploded points: the model was knocked off, not one batch … */
  minExcursionPoints: 2,
  /** … or one point 100 times its level: no batch of data does that, the numerics do … */
  numericBlowUp: 100,
  /** … or one point the run does not come back from within 50 points (their median). */
  backPoints: 50,
  /** Not rising but recovering: the last twentieth 2 % below the one before … */
  recoveringPart: 20,
  recoveringDrop: 0.98,
  /** … measured from 40 points on. */
  recoveringMinPoints: 40,
} as const;

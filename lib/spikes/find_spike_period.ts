import { median } from "simple-statistics";
import {
  circularMean,
  findPeriod,
  JUDGE,
  logNormalTail,
  modulo,
  type Period,
  profileCorrelation,
  seasonalFold,
} from "../period/mod.ts";
import { extremes } from "../series/mod.ts";
import { coarsePeriod } from "./coarse_period.ts";
import { foldAtEpoch } from "./epoch_position.ts";
import { levelShifts } from "./level_shifts.ts";
import { isEpoch, type Prepared, spend } from "./prepare.ts";
import { type RunningMeanSignature, runningMeanSignature } from "./running_mean_signature.ts";
import { staircase } from "./staircase.ts";
import { LOCATE, PREPARE } from "./tuning.ts";

/** The period found (in points) and how. */
export interface Judgement {
  /** The period in points, or null. */
  found: Period | null;
  /** How it was found (the answer's `periodicity.method`). */
  method: string;
}

/**
 * The propose-and-judge stage of the spike analysis: the period of the series, or none.
 *
 * Why: the blind search comes first — the period search on the robust z-scores
 * (`../period/find_period.ts`: autocorrelation proposals judged by fold tests, with the level
 * shifts as a further signal), then, for a slow shape that the trend absorbs, the same on block
 * medians (`coarse_period.ts`). When the epoch is known and the period found is not it, the
 * epoch itself is proposed and judged, one cause at a time, with one trial each instead of
 * thousands: a staircase that steps down at its start and holds (`staircase.ts`, unless the
 * curve is a running mean), a spike or dip at its last or first step (`foldAtEpoch`), a running
 * mean that restarts with it (`running_mean_signature.ts`), and a profile that repeats with it
 * (`seasonalFold`). So a weak but regular epoch effect that the blind search cannot tell from
 * noise is still found. With no epoch given and no period found, regular level drops propose
 * their own period as a staircase. A body that declares its values running means of the epoch
 * is read as one.
 *
 * Cost: the period search's O(n + m log m), the coarse views' on n/8 and n/64 points, and
 * O(n) per judge of the epoch.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { findSpikePeriod } from "./find_spike_period.ts";
 * import { prepare } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(1570), null);
 * const { found, method } = findSpikePeriod(prepared);
 * assertEquals([found?.period, found?.phase, found?.kind], [157, 156, "spikes-up"]);
 * assertEquals(method, "autocorrelation proposals judged by fold tests");
 * ```
 */
export function findSpikePeriod(prepared: Prepared): Judgement {
  const { epoch, axis, options } = prepared;
  // Values the body declares as running means of the epoch (Keras's progress bar, torchvision's
  // global_avg, read from their own log files) restart with it: nothing to search.
  const runningMean = epoch && options.runningMean === "epoch" && epoch.points >= 2;
  if (runningMean && !prepared.inferredRunningMean) return runningMeanAtEpoch(prepared, true)!;
  const blind = blindSearch(prepared);
  // Inferred (not declared) running means yield to a period the blind search found that is
  // neither the epoch nor its harmonic: evaluation every 74 steps is not the epoch's restart.
  const atEpoch = isEpoch(prepared, blind.found ? blind.found.period * axis.stride : null);
  if (runningMean && (atEpoch || related(prepared, blind.found))) {
    return runningMeanAtEpoch(prepared, true)!;
  }
  if (!epoch) return blind.found ? blind : regularDrops(prepared) ?? blind;
  if (atEpoch) return blind;
  return judgeEpoch(prepared, related(prepared, blind.found)) ??
    shapeAtEpoch(prepared, blind.found) ?? blind;
}

/**
 * Whether the epoch may replace the blind search's period: when there is none, or it is a
 * whole fraction or multiple of the epoch (the epoch's own effect found at a harmonic). A
 * period unrelated to the epoch (evaluation every 500 steps) stays; only a spike train at the
 * epoch's boundaries, the one cause the epoch alone can test (`foldAtEpoch`), replaces it.
 */
function related(prepared: Prepared, found: Period | null): boolean {
  if (!found) return true;
  const ratio = prepared.epoch!.points / found.period;
  const k = ratio >= 1 ? ratio : 1 / ratio;
  return Math.round(k) >= 2 && Math.abs(k - Math.round(k)) <= LOCATE.epochFraction * k;
}

/**
 * With no epoch given and no period found: a staircase whose drops are regular enough to
 * propose their own period — the median spacing of the level shifts down (`levelShifts`, |z|
 * ≥ the events' threshold), when at least `LOCATE.blindStairs` of them sit within 10 % of
 * whole multiples of it — judged at a bar raised for having been chosen from the data.
 */
function regularDrops(prepared: Prepared): Judgement | null {
  const { residuals, axis } = prepared;
  spend(prepared, 5); // the level shifts (four passes) and the staircase
  const shifts = levelShifts(residuals, PREPARE.shiftWidth);
  const drops = extremes(shifts, JUDGE.eventThreshold).filter((e) => e.direction === "down")
    .map((e) => axis.stepOf(e.index));
  if (drops.length < LOCATE.blindStairs) return null;
  const gaps = drops.slice(1).map((s, k) => s - drops[k]);
  const period = median(gaps);
  const regular = gaps.filter((g) => {
    const k = Math.round(g / period);
    return k >= 1 && Math.abs(g - k * period) <= LOCATE.blindStairSpread * period;
  });
  if (regular.length + 1 < LOCATE.blindStairs || !(period >= 2 * axis.stride)) return null;
  const phase = circularMean(drops, period);
  const stairs = staircase(prepared, period, phase);
  if (!stairs?.holds || stairs.z > -LOCATE.blindStairZ) return null;
  const points = period / axis.stride;
  return {
    found: {
      ...atEpoch(points, stairs.boundaries),
      phase: stairs.indices[0] % points,
      hits: stairs.drops,
      logP: logNormalTail(stairs.z),
      strength: stairs.drops / stairs.boundaries,
      matched: stairs.indices,
      proposals: 1,
    },
    method: "a staircase at the spacing of its level shifts",
  };
}

function blindSearch(prepared: Prepared): Judgement {
  const { residuals, options } = prepared;
  const found = findPeriod(
    residuals.z,
    residuals.finite,
    { checkpoint: options.checkpoint },
    residuals.values,
    { compute: () => levelShifts(residuals, PREPARE.shiftWidth), width: PREPARE.shiftWidth },
  );
  const method = "autocorrelation proposals judged by fold tests";
  if (found) return { found, method };
  const coarse = coarsePeriod(prepared.loss, undefined, options.checkpoint);
  return { found: coarse, method: coarse ? `${method}, on block medians (a slow shape)` : method };
}

/** The given epoch, judged as a boundary spike train, a running mean's restart, a staircase. */
function judgeEpoch(prepared: Prepared, replaceable: boolean): Judgement | null {
  const { residuals, epoch } = prepared;
  const { z, finite } = residuals;
  const { layout, points, last, first } = epoch!;
  spend(prepared, 4); // the staircase, the boundary folds, the signature, the seasonal fold
  // A step that holds is judged before a spike: the first point of a staircase's epoch stands
  // out of a centred trend as a boundary spike does, but only a step holds through the next
  // epoch (and a spike in the window before a boundary does not).
  const stairs = points >= 2 && replaceable ? staircaseAtEpoch(prepared) : null;
  if (stairs) return stairs;
  const targeted = foldAtEpoch(z, finite, last, first, layout.stepsPerEpoch, points);
  if (targeted) return { found: targeted, method: "fold at the given epoch length" };
  return points >= 2 && replaceable ? runningMeanAtEpoch(prepared) : null;
}

/**
 * The epoch as a running mean's restart: its signature folded at the epoch (`declared`: the
 * body says the values are running means, so the signature need not prove it).
 */
function runningMeanAtEpoch(prepared: Prepared, declared = false): Judgement | null {
  const { residuals, epoch } = prepared;
  const points = epoch!.points;
  const signature = epochSignature(prepared);
  if (!signature.runningMean && !declared) return null;
  return {
    found: {
      ...atEpoch(points, Math.floor(residuals.values.length / points)),
      phase: signature.resetPhase,
      strength: Math.min(1, Math.max(0, -signature.slope, signature.jumpShare)),
    },
    method: !declared
      ? "the running-mean signature at the given epoch length"
      : prepared.inferredRunningMean
      ? "the values undone as running means of the epoch: a loss curve with no restarts"
      : "the values are running means of the epoch (as the body says)",
  };
}

/** The epoch as a staircase, unless its signature is a running mean's. */
function staircaseAtEpoch(prepared: Prepared): Judgement | null {
  const { epoch } = prepared;
  const { layout, points } = epoch!;
  const signature = epochSignature(prepared);
  if (signature.runningMean && !signature.jumpOnly) return null;
  const stairs = staircase(prepared, layout.stepsPerEpoch);
  if (!stairs?.holds) return null;
  return {
    found: {
      ...atEpoch(points, stairs.boundaries),
      phase: stairs.indices[0] % points,
      hits: stairs.drops,
      // The pooled z's normal tail, for the three judges of the epoch.
      logP: logNormalTail(stairs.z) + Math.log(LOCATE.epochTrials),
      strength: stairs.drops / stairs.boundaries,
      matched: stairs.indices,
    },
    method: "a staircase at the given epoch length",
  };
}

/**
 * The epoch as a repeating profile (the data order): the values less a moving average of one
 * epoch, folded at the epoch (`seasonalFold`: one F test, not thousands, and a profile wider
 * than the robust trend's 25 points kept), when the blind search found no period, or a
 * fraction of the epoch whose profile the epoch's explains better (a smooth profile of two
 * harmonics folded at half its length).
 */
function shapeAtEpoch(prepared: Prepared, found: Period | null): Judgement | null {
  const { residuals, epoch } = prepared;
  const points = epoch!.points;
  if (!(points >= 2)) return null;
  const divides = found !== null && found.kind === "shape" &&
    Math.round(points / found.period) >= 2 &&
    Math.abs(points / found.period - Math.round(points / found.period)) <= LOCATE.epochFraction;
  if (found && !divides) return null;
  const { finite, values } = residuals;
  const fold = seasonalFold(values, finite, points);
  // Written so that a NaN statistic fails (values near 1e154 overflow the fold's squares).
  if (!(fold.z >= LOCATE.epochShapeZ && fold.explained >= JUDGE.minExplained)) return null;
  if (found && fold.explained <= found.strength) return null;
  if (!halvesAgree(values, finite, points)) return null;
  const cycles = Math.floor(values.length / points);
  return {
    found: {
      ...atEpoch(points, cycles),
      logP: -0.5 * fold.z * fold.z,
      strength: fold.explained,
      smoothness: profileCorrelation(fold.profile, 1),
    },
    method: "a profile folded at the given epoch length",
  };
}

/**
 * Whether the profile repeats through the run: folded on the first half of the epochs and on the
 * second, the two profiles correlate by `LOCATE.epochShapeAgreement` or more. The data order
 * shapes every epoch alike; a level step or two (learning-rate drops) leave a ramp in the values
 * less their moving average that an F test over the whole run can take for a profile, but it
 * sits in one or two epochs, never in both halves at one place.
 */
function halvesAgree(values: Float64Array, finite: Uint8Array, points: number): boolean {
  const half = Math.round(Math.floor(values.length / points / 2) * points);
  if (half < 2 * points) return true;
  const a = seasonalFold(values.subarray(0, half), finite.subarray(0, half), points).profile;
  const b = seasonalFold(values.subarray(half), finite.subarray(half), points).profile;
  return correlation(a, b, modulo(half, points)) >= LOCATE.epochShapeAgreement;
}

/** Pearson's correlation of two folded profiles, the second's bins shifted by `shift`. */
function correlation(a: Float64Array, b: Float64Array, shift: number): number {
  const n = Math.min(a.length, b.length), k = Math.round(shift);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[(i - k + n) % n] / n;
  }
  let cross = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[(i - k + n) % n] - mb;
    cross += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cross / Math.sqrt(va * vb) : 0;
}

/**
 * The running-mean signature folded at the epoch, its bins counted from an epoch's start.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { epochSignature } from "./find_spike_period.ts";
 * import { prepare } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(1570), null);
 * // a spike on the last step is not a running mean restarting
 * const signature = epochSignature(prepared);
 * assertEquals([signature.period, signature.runningMean], [157, false]);
 * ```
 */
export function epochSignature(prepared: Prepared): RunningMeanSignature {
  const { residuals, epoch, axis } = prepared;
  const points = epoch!.points;
  const origin = modulo(-axis.stepOf(0) / axis.stride, points);
  return runningMeanSignature(residuals.values, residuals.finite, points, axis.stride > 1, origin);
}

/** A period of `points` at the epoch, found by one of its judges. */
function atEpoch(points: number, cycles: number): Period {
  return {
    period: points,
    phase: 0,
    kind: "shape",
    hits: cycles,
    cycles,
    logP: Math.log(LOCATE.epochMaxP),
    strength: 1,
    matched: [],
    proposals: 1,
    smoothness: null,
  };
}

import { linearRegression, median } from "simple-statistics";
import { logBinomialTail } from "../period/binomial_tail.ts";
import { studentTwoSidedTail } from "../series/mod.ts";
import { LOCATE } from "./tuning.ts";

/**
 * What a cycle's changes say about a running mean restarting (see
 * {@linkcode runningMeanSignature}).
 */
export interface RunningMeanSignature {
  /** The cycle it was folded at (points). */
  period: number;
  /** Phase (points) where the cycle restarts. */
  resetPhase: number;
  /** Slope of ln(mean |Δy|) against ln(points since the reset). */
  slope: number;
  /** The mean jump at the reset as a share of the mean change over a whole cycle. */
  jumpShare: number;
  /** The mean |change| at the restart (in the values' units: ln(loss) for a positive loss). */
  restartSize: number;
  /** Whether the changes fall as 1/j after the restart (significantly). */
  decays: boolean;
  /**
   * Whether only the jump says running mean, while the noise is visible (a quarter or more of
   * the changes within the cycle go against the drift) and does not decay (its slope
   * significantly above −0.5): a staircase on a falling trend jumps alike, and wins where it
   * holds (`../spikes/locate.ts`).
   */
  jumpOnly: boolean;
  /**
   * Whether the slope (≤ −0.35) or the jump (a 0.2–0.8 share, the drift's way in 4 of every 5
   * cycles — or 7 of 10 when that many cycles make it p ≤ 10⁻³ —, five times any other step's
   * mean change) says running mean, and the steps around the reset do not undo it.
   */
  runningMean: boolean;
}

/**
 * Tests whether a periodic series is a running mean restarted every cycle.
 *
 * Why: Keras (and many hand-written loops) log the mean loss since the epoch began, not the
 * loss of the step. That curve's noise shrinks within each epoch: the j-th point averages j
 * batches, so consecutive points differ by about σ/j. Folding |Δy| by the period finds the
 * reset (the phase with the largest mean change), and the slope of ln(mean |Δy|) against
 * ln(j) from an eighth of the cycle to its end measures the decay: about −1 for a running
 * mean, about 0 for a curve of per-step losses — even one with a spike and a momentum tail
 * every cycle, whose changes are large for the first steps only.
 *
 * When the loss falls faster than its noise, the changes do not shrink (each is half the
 * loss's own slope); the curve is a staircase instead. Then the restart gives it away by its
 * size: over a cycle the running mean falls by half the loss's fall within the cycle, and the
 * restart drops the other half at once (for a linearly falling loss, exactly (P + 1)/2 and
 * (P − 1)/2 steps' worth). So the jump at the reset is about half the whole cycle's drift, in
 * its direction — where a repeating profile (unshuffled data) jumps back against the drift,
 * and a schedule's step (an LR decay per epoch) is nearly all of it.
 *
 * A progress bar that prints every k batches shows a third sign: the first value of each epoch
 * is one batch's loss and the next already a mean of k, so the restart jumps either way, by far
 * more than any other change of the cycle, and the curve is settled at once.
 *
 * Neither test may hold for a transient: a dip in the last batch (or a spike), logged in means
 * of several steps, changes the curve by one sign at one phase of every cycle as a restart does,
 * but the few steps before or after it undo half of that; a running mean drifts on both sides.
 *
 * Cost: O(n + P).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { runningMeanSignature } from "./running_mean_signature.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // the loss logged as the running mean of each 200-step epoch (Keras' progress bar), in ln
 * const logged = new Float64Array(2000);
 * for (let i = 0, sum = 0; i < 2000; i++) {
 *   if (i % 200 === 0) sum = 0;
 *   sum += (1 + Math.exp(-i / 800)) * (1 + 0.3 * noise());
 *   logged[i] = Math.log(sum / ((i % 200) + 1));
 * }
 * const signature = runningMeanSignature(logged, new Uint8Array(2000).fill(1), 200);
 * assertEquals([signature.resetPhase, signature.decays, signature.runningMean], [0, true, true]);
 * assertAlmostEquals(signature.slope, -1, 0.1); // the changes fall as 1/j
 * ```
 */
export function runningMeanSignature(
  y: Float64Array,
  finite: Uint8Array,
  period: number,
  straddle = false,
  origin = 0,
): RunningMeanSignature {
  const fold = foldChanges(y, finite, period, origin);
  let reset = 0;
  for (let b = 1; b < fold.bins; b++) if (fold.mean(b) > fold.mean(reset)) reset = b;
  const { slope, falls, flat } = decaySlope(fold, reset);

  const width = straddle && fold.bins >= 4 ? 2 : 1;
  const restart = restartJump(fold, reset, width);
  const transient = isTransient(fold, reset, restart.jump, width);
  const { count, along, jumpShare } = restart;
  const [low, high] = LOCATE.jumpShare;
  // The drift's way in 4 of every 5 cycles, or in 7 of 10 of many (p ≤ 10⁻³ by chance).
  const steady = along >= LOCATE.steadyShare * count ||
    (along >= LOCATE.looseSteadyShare * count &&
      logBinomialTail(along, count, 0.5) <= Math.log(LOCATE.steadyMaxP));
  // The jump test is for a running mean whose loss falls faster than its noise: its changes
  // within the cycle nearly all go the drift's way. Where they do not, the noise is visible,
  // and a running mean would show it decaying: a jump alone is then weaker evidence.
  const visibleNoise = alongWithin(fold, reset, width, restart.drift) <= LOCATE.visibleNoise &&
    flat <= LOCATE.decayP;
  // A smooth drift moves the curve by width/bins of a cycle's drift in the restart's points:
  // a restart must move it twice that (with 4 bins, no jump can be told from the drift).
  const fair = (LOCATE.restartFairShare * width) / fold.bins;
  const jumps = count >= LOCATE.minRestarts && steady && jumpShare >= Math.max(low, fair) &&
    jumpShare <= high &&
    restart.other <= LOCATE.otherStep * Math.abs(restart.jump) && !transient;
  const decays = !transient && slope <= LOCATE.decaySlope && falls <= LOCATE.decayP;
  const restartSize = fold.mean(reset);
  const firstBatch = count >= LOCATE.minBatchRestarts && !transient &&
    mixed(fold, reset) && restartSize >= LOCATE.restartNoise * typicalChange(fold, reset, width) &&
    settlesLower(fold, reset, restart.drift);
  return {
    period,
    resetPhase: (reset + origin) % period,
    slope,
    jumpShare,
    restartSize,
    decays,
    jumpOnly: jumps && !decays && !firstBatch && visibleNoise,
    runningMean: decays || jumps || firstBatch,
  };
}

/** Whether the restart goes up in some cycles and down in others (20–80 % of them up). */
function mixed(fold: ChangeFold, reset: number): boolean {
  const [low, high] = LOCATE.oneSign, count = fold.counts[reset];
  return fold.rises[reset] > low * count && fold.rises[reset] < high * count;
}

/**
 * Whether the restart, over its bin and the two after it (the one batch and the first means),
 * moves the curve the drift's way by a fifth of the way it travels: a dip or a spike there comes
 * back where it started, a running mean settles at the new epoch's level.
 */
function settlesLower(fold: ChangeFold, reset: number, drift: number): boolean {
  let net = 0, gross = 0;
  for (let j = 0; j < 3; j++) {
    net += fold.change(reset + j);
    gross += fold.mean(reset + j);
  }
  return gross > 0 && Math.sign(net) === Math.sign(drift) &&
    Math.abs(net) >= LOCATE.settleShare * gross;
}

/** The median of the bins' mean |change|, the restart's bins left out. */
function typicalChange(fold: ChangeFold, reset: number, width: number): number {
  const others: number[] = [];
  for (let j = width; j < fold.bins; j++) others.push(fold.mean(reset + j));
  return others.length > 0 ? median(others) : Infinity;
}

/** The changes y[i] − y[i−1] folded at the period: mean |change|, mean change, rises per bin. */
interface ChangeFold {
  bins: number;
  counts: Float64Array;
  signed: Float64Array;
  rises: Float64Array;
  /** Mean |change| of bin b (taken modulo the bins). */
  mean: (b: number) => number;
  /** Mean (signed) change of bin b (taken modulo the bins). */
  change: (b: number) => number;
}

function foldChanges(
  y: Float64Array,
  finite: Uint8Array,
  period: number,
  origin: number,
): ChangeFold {
  const bins = Math.ceil(period);
  const sums = new Float64Array(bins), counts = new Float64Array(bins);
  const signed = new Float64Array(bins), rises = new Float64Array(bins);
  for (let i = 1; i < y.length; i++) {
    if (!finite[i] || !finite[i - 1]) continue;
    const at = origin === 0 ? i % period : (((i - origin) % period) + period) % period;
    const bin = Math.min(bins - 1, Math.floor(at));
    const change = y[i] - y[i - 1];
    sums[bin] += Math.abs(change);
    signed[bin] += change;
    if (change > 0) rises[bin]++;
    counts[bin]++;
  }
  const mean = (b: number) => {
    const k = ((b % bins) + bins) % bins;
    return counts[k] > 0 ? sums[k] / counts[k] : 0;
  };
  const change = (b: number) => {
    const k = ((b % bins) + bins) % bins;
    return counts[k] > 0 ? signed[k] / counts[k] : 0;
  };
  return { bins, counts, signed, rises, mean, change };
}

/**
 * Slope of ln(mean |Δy|) against ln(points since the reset), from an eighth of the cycle on: a
 * spike's momentum tail has died out there, while a running mean's changes keep shrinking as
 * 1/j to the end of the cycle. With the one-sided p-values (Student's t on the regression) that
 * it falls at all (`falls`), and that it falls less steeply than a running mean's noise would,
 * −0.5 (`flat`).
 */
function decaySlope(fold: ChangeFold, reset: number) {
  const logs: [number, number][] = [];
  const from = Math.max(2, Math.floor(fold.bins * LOCATE.decayFrom));
  for (let j = from; j < fold.bins; j++) {
    const m = fold.mean(reset + j);
    if (m > 0) logs.push([Math.log(j), Math.log(m)]);
  }
  if (logs.length < LOCATE.decayBins) return { slope: 0, falls: 1, flat: 1 };
  const log = slopeTest(logs);
  return { slope: log.slope, falls: log.below(0), flat: 1 - log.below(-0.5) };
}

/** A least-squares line and the one-sided p that its slope lies below a value (Student's t). */
function slopeTest(points: [number, number][]) {
  const { m, b } = linearRegression(points);
  let residual = 0, spread = 0;
  const centre = points.reduce((s, [x]) => s + x, 0) / points.length;
  for (const [x, y] of points) {
    residual += (y - (m * x + b)) ** 2;
    spread += (x - centre) ** 2;
  }
  const se = Math.sqrt(residual / (points.length - 2) / spread), dof = points.length - 2;
  const below = (value: number) => {
    if (!(se > 0)) return m < value ? 0 : 1;
    const t = (m - value) / se;
    return t >= 0 ? 1 - studentTwoSidedTail(t, dof) / 2 : studentTwoSidedTail(t, dof) / 2;
  };
  return { slope: m, below };
}

/**
 * The restart's mean jump over the `width` bins from `reset`, against the drift of a whole
 * cycle and every other step's.
 */
function restartJump(fold: ChangeFold, reset: number, width: number) {
  const { bins, counts, rises, change } = fold;
  // The jump against the drift of a whole cycle (the sum of every bin's mean change).
  let drift = 0;
  for (let b = 0; b < bins; b++) drift += change(b);
  const count = counts[reset];
  let jump = 0;
  for (let j = 0; j < width; j++) jump += change(reset + j);
  const along = drift < 0 ? count - rises[reset] : rises[reset];
  // Alone: no other step of the cycle moves a fifth as much on average (shards or a schedule
  // step several times a cycle; a running mean only drifts between its restarts).
  let other = 0;
  for (let j = width + 1; j <= bins - 2; j++) other = Math.max(other, Math.abs(change(reset + j)));
  return { count, jump, along, other, drift, jumpShare: drift !== 0 ? jump / drift : 0 };
}

/** The share of the changes within the cycle (the restart left out) that go the drift's way. */
function alongWithin(fold: ChangeFold, reset: number, width: number, drift: number): number {
  let along = 0, all = 0;
  for (let j = width; j < fold.bins; j++) {
    const b = (reset + j) % fold.bins;
    along += drift < 0 ? fold.counts[b] - fold.rises[b] : fold.rises[b];
    all += fold.counts[b];
  }
  return all > 0 ? along / all : 0;
}

/**
 * A transient, not a restart: a jump of one sign in 4 of every 5 cycles that the three steps
 * before it or after it undo by half — the way into or out of a dip or a spike. A running mean
 * only drifts on both sides of its restart.
 */
function isTransient(fold: ChangeFold, reset: number, jump: number, width: number): boolean {
  const { bins, counts, signed, rises } = fold;
  const side = Math.min(LOCATE.transientSide, Math.floor((bins - width) / 2));
  let before = 0, after = 0;
  for (let j = 1; j <= side; j++) {
    const a = (reset + width - 1 + j) % bins, b = (reset - j + bins) % bins;
    if (counts[a] > 0) after += signed[a] / counts[a];
    if (counts[b] > 0) before += signed[b] / counts[b];
  }
  const count = counts[reset], [low, high] = LOCATE.oneSign;
  const oneSign = count >= LOCATE.minRestarts &&
    (rises[reset] >= high * count || rises[reset] <= low * count);
  const undone = (sum: number) => -Math.sign(jump) * sum >= LOCATE.transientUndo * Math.abs(jump);
  return oneSign && (undone(before) || undone(after));
}

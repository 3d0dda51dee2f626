/**
 * Tests whether the logged values are running means since each epoch began, by the likelihood of
 * the two ways the values can have been made — with the epoch known.
 *
 * Why: with 4–10 logged points an epoch (Keras's progress bar printing every k batches,
 * torchvision's `global_avg` on a short epoch) there is no cycle to fold the 1/j decay of a
 * running mean's changes on (`running_mean_signature.ts` needs 8 bins or more). But the mechanism
 * itself can be undone: a running mean m(j) of the first j batches of an epoch holds their sum
 * j·m(j), so the mean of the batches between two logged points j₁ < j₂ is
 * x = (j₂·m(j₂) − j₁·m(j₁)) / (j₂ − j₁). Read as running means, the values become those block
 * means: a plain loss curve with no restart at the epoch starts, whose noise shrinks as 1/√(block
 * size). Read as per-step losses, they are that curve already. Each reading is a model of
 * the consecutive differences (relative to the level, for a multiplicative noise) with its own
 * scale, and the running-mean reading pays the Jacobian of the undoing, Σ ln(j₂ / (j₂ − j₁)): the
 * log-likelihood ratio of the same data under the two readings. A per-step curve undone as running
 * means has its late points' noise multiplied by j₁/(j₂ − j₁), and loses by far; a running mean
 * read as per-step losses has a jump at every restart and a noise shrinking within every epoch,
 * and loses too. Whether step s is the batch s (steps from 0) or the batch s − 1 (from 1) is not
 * known: both are tried, and the better counted.
 *
 * Cost: O(min(n, `LOCATE.runningMeanMaxPoints`)), a few passes.
 *
 * @example
 * ```ts
 * import { runningMeanLikelihood } from "./running_mean_likelihood.ts";
 * // 12 epochs of 6 batches (a loss near 1, ±30 % batch to batch), logged as the running mean
 * // since the epoch began (torchvision's global_avg), and the same batches logged one by one
 * const noise = (i: number) => (Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1) - 0.5;
 * const batches = Array.from({ length: 72 }, (_, i) => 1 + 0.6 * noise(i));
 * const means = batches.map((_, i) => {
 *   const seen = batches.slice(i - (i % 6), i + 1);
 *   return seen.reduce((a, b) => a + b, 0) / seen.length;
 * });
 * const step = (i: number) => i;
 * const read = runningMeanLikelihood(Float64Array.from(means), step, 6);
 * const perStep = runningMeanLikelihood(Float64Array.from(batches), step, 6);
 * if (!read.holds || perStep.holds) throw new Error("the two readings are told apart");
 * ```
 */
import { median } from "simple-statistics";
import { LOCATE } from "./tuning.ts";

/** The log-likelihood ratio of the running-mean reading against the per-step one. */
export interface RunningMeanLikelihood {
  /** ln L(running means) − ln L(per-step losses), at the better of the two step origins. */
  logRatio: number;
  /** The step of an epoch's first batch, less the epoch's start: 0 or 1 (the better reading). */
  origin: number;
  /** Differences the two models were fitted on. */
  differences: number;
  /** Epochs with two logged points or more. */
  epochs: number;
  /** The per-step reading's detrended scale over its raw one (`Accumulator.noiseShare`). */
  noiseShare: number;
  /** Consecutive values that are equal (rounded flat). */
  ties: number;
  /** The per-step reading's scale: the RMS of the consecutive relative differences. */
  scatter: number;
  /** Whether the ratio reaches `LOCATE.runningMeanLogRatio` per difference and in all. */
  holds: boolean;
}

export function runningMeanLikelihood(
  series: Float64Array,
  stepOfPoint: (i: number) => number,
  stepsPerEpoch: number,
): RunningMeanLikelihood {
  // The way values are logged holds through the run: its last points tell it (bounded cost).
  const skip = Math.max(0, series.length - LOCATE.runningMeanMaxPoints);
  const loss = series.subarray(skip), stepOf = (i: number) => stepOfPoint(i + skip);
  const best = [0, 1].map((origin) => readings(loss, stepOf, stepsPerEpoch, origin))
    .reduce((a, b) => (b.logRatio > a.logRatio ? b : a));
  const holds = best.noiseShare >= LOCATE.runningMeanNoiseShare &&
    best.ties <= LOCATE.runningMeanMaxTies * best.differences &&
    best.scatter >= LOCATE.runningMeanMinScatter &&
    best.epochs >= LOCATE.runningMeanEpochs &&
    best.logRatio >= LOCATE.runningMeanLogRatio * best.differences &&
    best.logRatio >= LOCATE.runningMeanMinLogRatio && bothHalves(loss, stepOf, stepsPerEpoch, best);
  return { ...best, holds };
}

/**
 * Whether the undoing is the likelier reading in each half of the run too: a running mean is one
 * from the first epoch to the last, where a steep start or a few level steps that neither reading
 * fits can tip the whole run's ratio on their own.
 */
function bothHalves(
  loss: Float64Array,
  stepOf: (i: number) => number,
  stepsPerEpoch: number,
  best: { origin: number },
): boolean {
  const half = loss.length >> 1;
  const first = readings(loss.subarray(0, half), stepOf, stepsPerEpoch, best.origin);
  const second = readings(loss.subarray(half), (i) => stepOf(i + half), stepsPerEpoch, best.origin);
  return first.logRatio > 0 && second.logRatio > 0;
}

/**
 * Both readings' log-likelihoods with the steps counted from `origin`: the consecutive relative
 * differences of the values as they are (per-step), and of the block means they undo to (running
 * means), each with its weights and its maximum-likelihood scale.
 */
function readings(
  loss: Float64Array,
  stepOf: (i: number) => number,
  stepsPerEpoch: number,
  origin: number,
): Omit<RunningMeanLikelihood, "holds"> {
  const step = new Accumulator(loss.length), mean = new Accumulator(loss.length);
  let jacobian = 0, epochs = 0;
  let prev = -1, prevEpoch = NaN, prevJ = 0, prevBlock = 0, prevX = NaN, rank = 0;
  for (let i = 0; i < loss.length; i++) {
    const y = loss[i];
    if (!Number.isFinite(y) || !(y > 0)) continue;
    const at = stepOf(i) - origin, epoch = Math.floor(at / stepsPerEpoch);
    const j = at - epoch * stepsPerEpoch + 1;
    const same = epoch === prevEpoch && j > prevJ;
    const block = same ? j - prevJ : j;
    const x = same ? (j * y - prevJ * loss[prev]) / block : y;
    if (same) jacobian += Math.log(j / block);
    if (same && prevBlock === prevJ) epochs++;
    rank = same ? rank + 1 : 0;
    if (prev >= 0) {
      const level = Math.max(y, loss[prev]);
      step.add((y - loss[prev]) / level, 1, rank);
      mean.add((x - prevX) / level, 1 / block + 1 / prevBlock, rank);
    }
    prev = i;
    prevEpoch = epoch;
    prevJ = j;
    prevBlock = block;
    prevX = x;
  }
  const differences = step.count;
  const logRatio = differences >= 2 ? mean.logLikelihood() - step.logLikelihood() + jacobian : 0;
  const scatter = step.rms();
  const noiseShare = differences >= 2 ? step.noiseShare() : 0;
  return { logRatio, origin, differences, epochs, scatter, ties: step.ties, noiseShare };
}

/**
 * Weighted differences, less the mean difference at their rank in the epoch (its first point,
 * second, …: a change every epoch makes at one place — a last batch's spike, a restart's mean
 * jump — is the epoch's profile, not the noise either reading is judged on), under a Huber
 * density (Gaussian within `LOCATE.runningMeanHuber` scales, exponential tails beyond): a spike
 * costs each reading in proportion to its size instead of setting its scale, so the undoing's
 * Jacobian is weighed against the bulk of the noise. The scale is the MAD of the standardised
 * differences (on an even sample of at most 10 001: O(n)).
 */
class Accumulator {
  count = 0;
  logWeights = 0;
  ties = 0;
  size = 0;
  readonly changes: Float64Array;
  readonly weights: Float64Array;
  readonly ranks: Int32Array;
  constructor(capacity: number) {
    this.changes = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.ranks = new Int32Array(capacity);
  }
  add(d: number, w: number, rank: number): void {
    const k = this.count++;
    if (d === 0) this.ties++;
    this.changes[k] = d;
    this.weights[k] = w;
    this.ranks[k] = rank;
    if (rank >= this.size) this.size = rank + 1;
    this.logWeights += Math.log(w);
  }
  /**
   * Each difference less the median of the four around it (the descent's own pace, which
   * neither reading is about: a steep start would otherwise be a string of outliers to the
   * per-step reading), over the root of its weight.
   */
  private standardised(): Float64Array {
    const d = this.changes, n = this.count, around = new Float64Array(4);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let k = 0; k < 4; k++) {
        const j = i + NEIGHBOURS[k];
        if (j >= 0 && j < n) around[m++] = d[j];
      }
      out[i] = (d[i] - middle(around, m)) / Math.sqrt(this.weights[i]);
    }
    return out;
  }

  /**
   * Each standardised difference less the part of its rank's mean that stands out of that mean's
   * standard error (m·max(0, 1 − se²/m²)): a rank with no systematic change keeps its scatter.
   */
  private centred(): Float64Array {
    const size = this.size, r = this.standardised(), ranks = this.ranks, n = this.count;
    const sums = new Float64Array(size), squares = new Float64Array(size);
    const counts = new Float64Array(size), shift = new Float64Array(size);
    for (let i = 0; i < n; i++) {
      sums[ranks[i]] += r[i];
      squares[ranks[i]] += r[i] * r[i];
      counts[ranks[i]]++;
    }
    for (let k = 0; k < size; k++) {
      const c = counts[k], m = c > 0 ? sums[k] / c : 0;
      const se2 = c > 1 ? (squares[k] / c - m * m) / (c - 1) : Infinity;
      shift[k] = m === 0 ? 0 : m * Math.max(0, 1 - se2 / (m * m));
    }
    for (let i = 0; i < n; i++) r[i] -= shift[ranks[i]];
    return r;
  }

  /**
   * The MAD of the detrended differences over that of the differences themselves: about 1.2 for
   * noise (the neighbours' median adds its own), far less for a smooth curve whose differences
   * its neighbours predict — where neither reading is about noise.
   */
  noiseShare(): number {
    const stride = Math.max(1, Math.floor(this.count / 10_000));
    const raw: number[] = [], detrended: number[] = [], all = this.standardised();
    for (let i = 0; i < this.count; i += stride) {
      raw.push(Math.abs(this.changes[i] / Math.sqrt(this.weights[i])));
      detrended.push(Math.abs(all[i]));
    }
    const scale = raw.length > 0 ? median(raw) : 0;
    return scale > 0 ? median(detrended) / scale : 0;
  }

  /** The root mean square of the weighted differences. */
  rms(): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += (this.changes[i] ** 2) / this.weights[i];
    return this.count > 0 ? Math.sqrt(sum / this.count) : 0;
  }
  /** ln L at the MAD scale, less the constant the two readings share. */
  logLikelihood(): number {
    const all = this.centred(), stride = Math.max(1, Math.floor(all.length / 10_000));
    const sample: number[] = [];
    for (let i = 0; i < all.length; i += stride) sample.push(Math.abs(all[i]));
    const scale = Math.max(MAD_TO_SIGMA * median(sample), 1e-300), c = LOCATE.runningMeanHuber;
    let cost = 0;
    for (let i = 0; i < all.length; i++) {
      const a = Math.abs(all[i]) / scale;
      cost += a <= c ? 0.5 * a * a : c * a - 0.5 * c * c;
    }
    return -this.count * Math.log(scale) - 0.5 * this.logWeights - cost;
  }
}

/**
 * The differences a change is detrended by: two and three away on each side (the adjacent ones
 * share a value with it, and would pull it towards themselves).
 */
const NEIGHBOURS = [-3, -2, 2, 3];

/** The median of the first `m` (≤ 4) values, sorted in place; 0 when there are none. */
function middle(values: Float64Array, m: number): number {
  for (let i = 1; i < m; i++) {
    const v = values[i];
    let j = i - 1;
    for (; j >= 0 && values[j] > v; j--) values[j + 1] = values[j];
    values[j + 1] = v;
  }
  if (m === 0) return 0;
  return m % 2 === 1 ? values[(m - 1) / 2] : (values[m / 2 - 1] + values[m / 2]) / 2;
}

/** σ of a normal distribution over its median absolute deviation. */
const MAD_TO_SIGMA = 1.4826;

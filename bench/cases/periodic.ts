/**
 * Curves with a period, one builder per cause, each returning a finished case with its truth.
 *
 * Epoch-bound causes (the epoch is E steps; step t is the (t mod E)-th step of its epoch):
 * - last partial batch, loss averaged per item then divided by the batch size again (the
 *   Keras-SSD bug of the field report): the last step's loss is B/r times too large, its
 *   gradient too, and momentum carries the excess into the next steps (a tail of ~5–30 steps);
 *   the smaller batch is also noisier (√(B/r));
 * - last partial batch with `reduction="sum"`: the loss is r/B of a full batch's (a dip);
 * - something re-created at every epoch start (optimizer state, LR schedule, eval mode left on):
 *   a spike on the first step(s) of each epoch;
 * - Keras-style logging of the running mean since the epoch began: a saw-tooth;
 * - unshuffled data: a fixed per-position difficulty repeating every epoch.
 * Other periods: evaluation or checkpoint every P steps, LR warm restarts, data shards.
 */
import { drawNoiseSettings, finish, type NonFinite } from "./finish.ts";
import {
  type Batches,
  drawBatches,
  drawEpochInfo,
  drawLayout,
  type EpochInfo,
  epochOptions,
  type Layout,
  type LayoutLimits,
} from "./layout.ts";
import type { Random } from "./random.ts";
import { render, type Visibility } from "./render.ts";
import { makeTrend, type TrendShape } from "./trend.ts";
import type { Case, Truth } from "./types.ts";

/** Values a builder would otherwise draw, for the hand-made cases (fixtures, the field report). */
export interface Force {
  layout?: LayoutLimits;
  info?: EpochInfo;
  batches?: Batches;
  trend?: TrendShape;
  special?: string;
}

/** Smallest effect ratio that survives averaging over `k` steps as a spike. */
function minRatio(k: number): number {
  return k === 1 ? 1.3 : k === 10 ? 1.5 : 2;
}

/** Sporadic non-finite points in one case of ten. */
function drawSporadic(random: Random): NonFinite {
  return random.chance(0.1)
    ? { mode: "sporadic", fraction: random.logUniform(1e-3, 1e-2) }
    : { mode: "none" };
}

interface Built {
  layout: Layout;
  level: Float64Array;
  trend: string;
  cause?: Float64Array;
  boost?: Map<number, number>;
  runningMeanEpoch?: number;
  visibility: Visibility;
  truth: Truth;
  options: Case["options"];
  meta: Record<string, number | string | boolean>;
}

function complete(random: Random, kind: string, index: number, built: Built, special?: string) {
  const settings = drawNoiseSettings(random);
  const rendered = render(random, {
    level: built.level,
    cause: built.cause,
    noiseBoost: built.boost,
    runningMeanEpoch: built.runningMeanEpoch,
    ...settings,
    logEvery: built.layout.logEvery,
    visibility: built.visibility,
  });
  const meta: Record<string, number | string | boolean> = {
    ...built.meta,
    trend: built.trend,
    sigma: +rendered.sigma.toPrecision(3),
    snr: +rendered.snr.toPrecision(3),
    phi: +settings.noise.phi.toFixed(2),
    dof: Number.isFinite(settings.noise.dof) ? +settings.noise.dof.toFixed(2) : "gaussian",
    outlier_rate: +settings.outlierRate.toPrecision(2),
    cycles: +(built.layout.steps / built.layout.period).toFixed(1),
    points_per_period: +(built.layout.period / built.layout.logEvery).toFixed(2),
  };
  if (special) meta.special = special;
  return finish(random, {
    kind,
    index,
    points: rendered.points,
    logEvery: built.layout.logEvery,
    options: built.options,
    truth: built.truth,
    meta,
    nonFinite: special ? { mode: "none" } : drawSporadic(random),
    pSteps: special ? 0 : undefined,
  });
}

/** The expected finding: exact with epoch information, else the cause or a generic period. */
function expect(id: string, info: EpochInfo, alternatives = ["periodic-spikes"]): string[] {
  return [info === "none" ? [id, ...alternatives].join("|") : id];
}

/** Adds a momentum tail of relative height `height` decaying over `tau` steps after `step`. */
function addTail(cause: Float64Array, step: number, height: number, tau: number): void {
  const length = Math.ceil(3 * tau);
  for (let j = 1; j <= length && step + j < cause.length; j++) {
    cause[step + j] *= 1 + height * Math.exp(-(j - 1) / tau);
  }
}

/** Last partial batch, loss divided by the batch size twice: a spike B/r at each epoch's end. */
export function lastBatchSpike(random: Random, index: number, force: Force = {}): Case {
  const layout = drawLayout(random, { minCycles: 5, ...force.layout });
  const { logEvery: k, period: epoch, steps } = layout;
  const batches = force.batches ?? drawBatches(random, random.logUniform(minRatio(k), 8));
  const ratio = batches.batchSize / batches.lastBatch;
  const info = force.info ?? drawEpochInfo(random, 0.35);
  const trend = makeTrend(random, steps, force.trend);
  const tau = random.uniform(1.5, 10);
  const height = Math.min(1.5, random.uniform(k === 1 ? 0.02 : 0.05, 0.2) * (ratio - 1));
  const cause = new Float64Array(steps).fill(1);
  const boost = new Map<number, number>();
  const events: number[] = [];
  for (let s = epoch - 1; s < steps; s += epoch) {
    cause[s] *= ratio;
    boost.set(s, Math.sqrt(ratio));
    events.push(s);
    addTail(cause, s, height, tau);
  }
  const forbidden = ["last-batch-dip", "epoch-average-logging", "unshuffled-data", "rising-loss"];
  if (k === 1 && info !== "none") forbidden.push("epoch-start-spike");
  return complete(random, "last-batch-spike", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    boost,
    visibility: { mode: "peak", events, snr: random.logUniform(3.5, 12) },
    truth: {
      period: epoch,
      phase: epoch - 1,
      expected_findings: expect("last-batch-spike", info),
      forbidden_findings: forbidden,
      ...(info === "none" ? {} : { epoch_position: ["last-step"], epoch_aligned: true }),
    },
    options: epochOptions(info, epoch, batches),
    meta: {
      ratio: +ratio.toFixed(3),
      batch_size: batches.batchSize,
      last_batch: batches.lastBatch,
      tail_tau: +tau.toFixed(1),
      tail_height: +height.toFixed(3),
      info,
    },
  }, force.special);
}

/** Last partial batch with a summed loss: a dip to r/B at each epoch's end. */
export function lastBatchDip(random: Random, index: number, force: Force = {}): Case {
  const layout = drawLayout(random, { minCycles: 5, ...force.layout });
  const { logEvery: k, period: epoch, steps } = layout;
  const fraction = random.uniform(0.1, k === 1 ? 0.8 : k === 10 ? 0.6 : 0.4);
  const batches = force.batches ?? drawBatches(random, 1 / fraction);
  const ratio = batches.lastBatch / batches.batchSize;
  const info = force.info ?? drawEpochInfo(random, 0.35);
  const trend = makeTrend(random, steps, force.trend);
  const cause = new Float64Array(steps).fill(1);
  const boost = new Map<number, number>();
  const events: number[] = [];
  for (let s = epoch - 1; s < steps; s += epoch) {
    cause[s] *= ratio;
    boost.set(s, Math.sqrt(1 / ratio));
    events.push(s);
  }
  return complete(random, "last-batch-dip", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    boost,
    visibility: { mode: "peak", events, snr: random.logUniform(3.5, 12) },
    truth: {
      period: epoch,
      phase: epoch - 1,
      expected_findings: expect("last-batch-dip", info),
      forbidden_findings: [
        "last-batch-spike",
        "epoch-average-logging",
        "unshuffled-data",
        "rising-loss",
        ...(k === 1 && info !== "none" ? ["epoch-start-spike"] : []),
      ],
      ...(info === "none" ? {} : { epoch_position: ["last-step"], epoch_aligned: true }),
    },
    options: epochOptions(info, epoch, batches),
    meta: {
      ratio: +ratio.toFixed(3),
      batch_size: batches.batchSize,
      last_batch: batches.lastBatch,
      info,
    },
  }, force.special);
}

/** Something re-created at each epoch start: a spike on its first step(s), maybe a tail. */
export function epochStartSpike(random: Random, index: number, force: Force = {}): Case {
  const layout = drawLayout(random, { minCycles: 5, ...force.layout });
  const { logEvery: k, period: epoch, steps } = layout;
  const info = force.info ?? drawEpochInfo(random, 0.35);
  const batches = force.batches ?? drawBatches(random, random.uniform(1.1, 8));
  const trend = makeTrend(random, steps, force.trend);
  const ratio = random.logUniform(minRatio(k), 5);
  const width = random.pick([1, 1, 1, 2, 3]);
  const tau = random.uniform(1, 10);
  const height = random.chance(0.5) ? random.uniform(0.02, 0.2) * (ratio - 1) : 0;
  const cause = new Float64Array(steps).fill(1);
  const events: number[] = [];
  for (let s = epoch; s < steps; s += epoch) {
    for (let j = 0; j < width && s + j < steps; j++) {
      cause[s + j] *= 1 + (ratio - 1) * Math.pow(0.6, j);
    }
    events.push(s);
    if (height > 0) addTail(cause, s + width - 1, height, tau);
  }
  return complete(random, "epoch-start-spike", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    visibility: { mode: "peak", events, snr: random.logUniform(3.5, 12) },
    truth: {
      period: epoch,
      phase: 0,
      expected_findings: expect("epoch-start-spike", info),
      forbidden_findings: [
        "last-batch-dip",
        "epoch-average-logging",
        "unshuffled-data",
        "rising-loss",
        ...(k === 1 && info !== "none" ? ["last-batch-spike"] : []),
      ],
      ...(info === "none" ? {} : { epoch_position: ["first-step"], epoch_aligned: true }),
    },
    options: epochOptions(info, epoch, batches, random.chance(0.5)),
    meta: {
      ratio: +ratio.toFixed(3),
      width,
      tail_height: +height.toFixed(3),
      cause: random.pick(["optimizer-reset", "scheduler-reset", "eval-mode-left-on"]),
      info,
    },
  }, force.special);
}

/**
 * Keras logs the running mean of the loss since the epoch began: on a falling loss the logged
 * value lags within each epoch and drops back to the current loss at every epoch start.
 */
export function epochAverageLogging(random: Random, index: number, force: Force = {}): Case {
  const layout = drawLayout(random, { minCycles: 5, maxCycles: 80, ...force.layout });
  const { period: epoch, steps } = layout;
  const info = force.info ?? drawEpochInfo(random, 0.3);
  const batches = force.batches ?? drawBatches(random, random.uniform(1.1, 8));
  // The saw-tooth is as tall as the loss falls within an epoch: keep it falling for many epochs.
  const scale = random.logUniform(1e-3, 1e3);
  const height = scale * random.uniform(1, 5);
  const floor = height * random.uniform(0.02, 0.3);
  const t0 = epoch * random.uniform(0.1, 2);
  const alpha = random.uniform(0.4, 1.2);
  const level = new Float64Array(steps);
  for (let t = 0; t < steps; t++) level[t] = floor + height * Math.pow(1 + t / t0, -alpha);
  return complete(random, "epoch-average-logging", index, {
    layout,
    level,
    trend: "power",
    runningMeanEpoch: epoch,
    visibility: { mode: "sawtooth", epoch, snr: random.logUniform(3, 10) },
    truth: {
      period: epoch,
      phase: 0,
      expected_findings: expect("epoch-average-logging", info),
      forbidden_findings: ["last-batch-spike", "last-batch-dip", "unshuffled-data", "rising-loss"],
      ...(info === "none"
        ? {}
        : { epoch_position: ["first-step", "whole-epoch"], epoch_aligned: true }),
    },
    options: epochOptions(info, epoch, batches, random.chance(0.5)),
    meta: { t0: Math.round(t0), alpha: +alpha.toFixed(2), info },
  }, force.special);
}

/** A difficulty profile over the positions of an epoch, zero mean and unit RMS. */
function difficultyProfile(random: Random, epoch: number, shape: string): Float64Array {
  const d = new Float64Array(epoch);
  if (shape === "iid") {
    for (let p = 0; p < epoch; p++) d[p] = random.normal();
  } else if (shape === "class-sorted") {
    const classes = random.integer(2, Math.min(10, Math.max(2, Math.floor(epoch / 10))));
    const weights = Array.from({ length: classes }, () => random.gamma(1));
    const total = weights.reduce((a, b) => a + b, 0);
    let start = 0;
    for (let c = 0; c < classes; c++) {
      const end = c === classes - 1
        ? epoch
        : Math.min(epoch, start + Math.max(1, Math.round(epoch * weights[c] / total)));
      const offset = random.normal() * 0.5;
      const forget = random.uniform(0, 1.5);
      const tau = Math.max(1, (end - start) * random.uniform(0.05, 0.3));
      for (let p = start; p < end; p++) {
        d[p] = offset + forget * Math.exp(-(p - start) / tau) + 0.3 * random.normal();
      }
      start = end;
    }
  } else {
    for (let h = 1; h <= 6; h++) {
      const amplitude = random.normal() / h;
      const phase = random.uniform(0, 2 * Math.PI);
      for (let p = 0; p < epoch; p++) {
        d[p] += amplitude * Math.cos(2 * Math.PI * h * p / epoch + phase);
      }
    }
    for (let p = 0; p < epoch; p++) d[p] += 0.2 * random.normal();
  }
  let mean = 0;
  for (const v of d) mean += v / epoch;
  let rms = 0;
  for (const v of d) rms += (v - mean) ** 2 / epoch;
  rms = Math.sqrt(rms) || 1;
  for (let p = 0; p < epoch; p++) d[p] = (d[p] - mean) / rms;
  return d;
}

/** Unshuffled data: every epoch sees the same items in the same order, so its shape repeats. */
export function unshuffledData(random: Random, index: number, force: Force = {}): Case {
  const layout = drawLayout(random, { minCycles: 5, ...force.layout });
  const { period: epoch, steps } = layout;
  const info = force.info ?? drawEpochInfo(random, 0.35);
  const batches = force.batches ?? drawBatches(random, random.uniform(1.1, 8));
  const trend = makeTrend(random, steps, force.trend);
  const shape = random.pick(["iid", "class-sorted", "smooth"]);
  const profile = difficultyProfile(random, epoch, shape);
  const amplitude = random.uniform(0.05, 0.4);
  const cause = new Float64Array(steps);
  for (let t = 0; t < steps; t++) cause[t] = Math.exp(amplitude * profile[t % epoch]);
  return complete(random, "unshuffled-data", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    visibility: { mode: "profile", snr: random.logUniform(0.8, 3) },
    truth: {
      period: epoch,
      expected_findings: expect("unshuffled-data", info),
      forbidden_findings: ["last-batch-spike", "last-batch-dip", "rising-loss"],
      ...(info === "none" ? {} : { epoch_position: ["whole-epoch"], epoch_aligned: true }),
    },
    options: epochOptions(info, epoch, batches, random.chance(0.5)),
    meta: { profile: shape, amplitude: +amplitude.toFixed(3), info },
  }, force.special);
}

/** An epoch length unrelated to `period`: no small ratio between the two. */
function unrelatedEpoch(random: Random, period: number): number {
  for (;;) {
    const x = random.logUniform(0.2, 5);
    const epoch = Math.round(period * x);
    const near = (v: number) => Math.abs(v - Math.round(v)) < 0.15;
    if (epoch >= 20 && !near(epoch / period) && !near(period / epoch)) return epoch;
  }
}

/** A period that is not the epoch: evaluation, checkpoints, warm restarts, data shards. */
export function periodicOther(random: Random, index: number, force: Force = {}): Case {
  const layout = drawLayout(random, { minCycles: 5, ...force.layout });
  const { logEvery: k, period, steps } = layout;
  const info = force.info ?? drawEpochInfo(random, 0.6);
  const batches = force.batches ?? drawBatches(random, random.uniform(1.1, 8));
  const trend = makeTrend(random, steps, force.trend);
  const cause = new Float64Array(steps).fill(1);
  const source = random.pick(["eval-interval", "checkpoint", "warm-restarts", "shards"]);
  const meta: Record<string, number | string | boolean> = { source, info };
  let phase = 0;
  let visibility: Visibility;
  let alternatives = ["periodic-spikes"];
  if (source === "eval-interval" || source === "checkpoint") {
    phase = source === "checkpoint" && random.chance(0.5)
      ? period - 1
      : random.integer(0, period - 1);
    const up = source === "eval-interval" || random.chance(0.6);
    const ratio = up ? random.logUniform(minRatio(k), 4) : random.uniform(0.3, k === 1 ? 0.8 : 0.5);
    const height = up && source === "eval-interval" && random.chance(0.5)
      ? random.uniform(0.02, 0.2) * (ratio - 1)
      : 0;
    const tau = random.uniform(1, 8);
    const events: number[] = [];
    for (let s = phase; s < steps; s += period) {
      cause[s] *= ratio;
      events.push(s);
      if (height > 0) addTail(cause, s, height, tau);
    }
    meta.ratio = +ratio.toFixed(3);
    visibility = { mode: "peak", events, snr: random.logUniform(3.5, 12) };
    if (phase === 0) alternatives = ["periodic-spikes", "epoch-start-spike"];
    if (phase === period - 1) {
      alternatives = ["periodic-spikes", up ? "last-batch-spike" : "last-batch-dip"];
    }
  } else if (source === "warm-restarts") {
    const amplitude = random.uniform(0.1, 0.8);
    const rise = Math.max(1, period * random.uniform(0.01, 0.05));
    let best = -Infinity;
    for (let u = 0; u < period; u++) {
      const v = (1 - Math.exp(-(u + 1) / rise)) * 0.5 * (1 + Math.cos(Math.PI * u / period));
      if (v > best) [best, phase] = [v, u];
    }
    for (let t = 0; t < steps; t++) {
      const u = t % period;
      cause[t] = 1 + amplitude * (1 - Math.exp(-(u + 1) / rise)) * 0.5 *
          (1 + Math.cos(Math.PI * u / period));
    }
    meta.amplitude = +amplitude.toFixed(3);
    visibility = { mode: "profile", snr: random.logUniform(1, 4) };
    alternatives = ["periodic-spikes", "epoch-average-logging", "epoch-start-spike"];
  } else {
    const amplitude = random.uniform(0.1, 1);
    const tau = period * random.uniform(0.03, 0.25);
    // Each shard differs a little from the last: the jump at its start varies from shard to shard.
    const jumps = Array.from({ length: Math.ceil(steps / period) }, () => random.uniform(0.5, 1.5));
    for (let t = 0; t < steps; t++) {
      const m = Math.floor(t / period);
      cause[t] = 1 + amplitude * jumps[m] * Math.exp(-(t - m * period) / tau);
    }
    meta.amplitude = +amplitude.toFixed(3);
    visibility = { mode: "profile", snr: random.logUniform(1, 4) };
    alternatives = ["periodic-spikes", "epoch-start-spike"];
  }
  const epoch = unrelatedEpoch(random, period);
  const options = info === "none" ? {} : epochOptions(info, epoch, batches);
  if (info !== "none") meta.epoch = epoch;
  const first = alternatives[0];
  return complete(random, "periodic-other", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    visibility,
    truth: {
      period,
      phase,
      expected_findings: info === "none" ? [alternatives.join("|")] : [first],
      forbidden_findings: info === "none" ? ["rising-loss"] : [
        "last-batch-spike",
        "last-batch-dip",
        "epoch-start-spike",
        "epoch-average-logging",
        "unshuffled-data",
        "rising-loss",
      ],
      ...(info === "none" ? {} : { epoch_aligned: false }),
    },
    options,
    meta,
  }, force.special);
}

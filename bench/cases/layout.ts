/**
 * Sizes of a case: logging interval, period, number of steps and of logged points, and the
 * epoch information a request may carry (none, `steps_per_epoch`, or `dataset_size` with
 * `batch_size`, consistent with the last batch's size).
 */
import type { Random } from "./random.ts";
import type { CaseOptions } from "./types.ts";

/** The most training steps one case simulates (memory and time of the generator). */
export const MAX_STEPS = 2_000_000;

/** Sizes of one case. */
export interface Layout {
  /** Steps per logged point. */
  logEvery: number;
  /** Period in steps (the epoch for epoch-bound causes). */
  period: number;
  /** Logged points. */
  n: number;
  /** Simulated steps (n · logEvery). */
  steps: number;
}

/** Constraints on a layout. */
export interface LayoutLimits {
  minPeriod?: number;
  maxPeriod?: number;
  /** Fewest and most whole periods in the series. */
  minCycles?: number;
  maxCycles?: number;
  nMin?: number;
  nMax?: number;
  logEvery?: number;
  /** Fewest logged points per period (the period must be resolvable). */
  minPointsPerPeriod?: number;
}

/** Draws the logging interval: mostly every step, often every 10, sometimes every 50. */
export function drawLogEvery(random: Random): number {
  const r = random.next();
  return r < 0.55 ? 1 : r < 0.85 ? 10 : 50;
}

/** Draws sizes within `limits` (retries until they are consistent). */
export function drawLayout(random: Random, limits: LayoutLimits = {}): Layout {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const logEvery = limits.logEvery ?? drawLogEvery(random);
    const minPeriod = Math.max(limits.minPeriod ?? 20, (limits.minPointsPerPeriod ?? 5) * logEvery);
    const maxPeriod = limits.maxPeriod ?? 5000;
    if (minPeriod > maxPeriod) continue;
    const period = Math.round(random.logUniform(minPeriod, maxPeriod));
    const nLow = Math.max(
      limits.nMin ?? 500,
      Math.ceil((limits.minCycles ?? 4) * period / logEvery),
    );
    const nHigh = Math.min(
      limits.nMax ?? 200_000,
      Math.floor((limits.maxCycles ?? 400) * period / logEvery),
      Math.floor(MAX_STEPS / logEvery),
    );
    if (nLow > nHigh) continue;
    const n = Math.round(random.logUniform(nLow, nHigh));
    return { logEvery, period, n, steps: n * logEvery };
  }
  throw new RangeError(`no layout satisfies ${JSON.stringify(limits)}`);
}

/** Sizes of a curve with no period: n points of `logEvery` steps. */
export function drawPlainLayout(random: Random, nMin = 500, nMax = 200_000): Layout {
  const logEvery = drawLogEvery(random);
  const n = Math.min(Math.round(random.logUniform(nMin, nMax)), Math.floor(MAX_STEPS / logEvery));
  return { logEvery, period: 0, n, steps: n * logEvery };
}

/** A batch configuration whose last batch has `lastBatch` of `batchSize` samples. */
export interface Batches {
  batchSize: number;
  lastBatch: number;
}

/** Draws a batch size and a last-batch size whose ratio B/r is near `ratio` (≥ 1). */
export function drawBatches(random: Random, ratio: number): Batches {
  const sizes = [8, 16, 32, 64, 128, 256, 512].filter((b) => b / ratio >= 1 && b >= ratio * 1.1);
  const batchSize = random.pick(sizes.length ? sizes : [512]);
  const lastBatch = Math.min(batchSize - 1, Math.max(1, Math.round(batchSize / ratio)));
  return { batchSize, lastBatch };
}

/** How a request tells the epoch. */
export type EpochInfo = "none" | "steps_per_epoch" | "dataset";

/** Draws how the request tells the epoch; `pNone` is the chance it does not. */
export function drawEpochInfo(random: Random, pNone: number): EpochInfo {
  if (random.chance(pNone)) return "none";
  return random.chance(0.5) ? "steps_per_epoch" : "dataset";
}

/** The request options for epoch length `epoch` told as `info` (dataset from `batches`). */
export function epochOptions(
  info: EpochInfo,
  epoch: number,
  batches: Batches,
  dropLast = false,
): CaseOptions {
  if (info === "none") return {};
  if (info === "steps_per_epoch") return { steps_per_epoch: epoch };
  const datasetSize = dropLast
    ? epoch * batches.batchSize + batches.lastBatch
    : (epoch - 1) * batches.batchSize + batches.lastBatch;
  const options: CaseOptions = { dataset_size: datasetSize, batch_size: batches.batchSize };
  if (dropLast) options.drop_last = true;
  return options;
}

import { type BoundaryRatios, boundaryRatios } from "./boundary_ratios.ts";
import { type SpikeEpoch, spikeEpoch } from "./epoch_layout.ts";
import { type Residuals, robustResiduals } from "./residuals.ts";
import type { StepAxis } from "./step_axis.ts";
import type { SpikeOptions } from "./types.ts";
import { LOCATE } from "./tuning.ts";
import { type RunningMeanLikelihood, runningMeanLikelihood } from "./running_mean_likelihood.ts";
import { WORK_UNITS } from "../period/mod.ts";

/** The rows a gridded series came from: their count and their non-finite values. */
export interface Rows {
  /** Rows given. */
  n: number;
  /** Their non-finite losses: how many, and the step of the first. */
  nonFinite: { count: number; first_step: number | null };
  /** For every grid point, the index of its row (−1 for a gap: no row was logged there). */
  index: Int32Array;
}

/** The epoch as the later stages need it. */
export interface PreparedEpoch {
  /** Steps per epoch and the last batch's size. */
  layout: SpikeEpoch;
  /** Logged points per epoch (steps per epoch ÷ the stride). */
  points: number;
  /** The loss at the last and at the first step of every epoch. */
  last: BoundaryRatios;
  /** The loss at the first step of every epoch. */
  first: BoundaryRatios;
}

/** What every later stage reads. */
export interface Prepared {
  /** The loss analysed (on the regular grid when rows were missing). */
  loss: Float64Array;
  /** The caller's options, side series on training steps. */
  options: SpikeOptions;
  /** The training step of every point. */
  axis: StepAxis;
  /** Points answered for: the rows given (a gridded series has more points than rows). */
  n: number;
  /** The rows given, when the series was put on a grid (null otherwise). */
  rows: Rows | null;
  /** The robust residuals of the loss. */
  residuals: Residuals;
  /** The epoch and its boundary ratios, when its length is known. */
  epoch: PreparedEpoch | null;
  /**
   * The values undone as running means of the epoch against read as per-step losses
   * (`running_mean_likelihood.ts`; null with no epoch): when it holds, `options.runningMean` is
   * set, as if the body had said so. Its `origin` tells where an epoch's first batch sits.
   */
  undone: RunningMeanLikelihood | null;
  /** Whether `options.runningMean` was set by `undone`, not by the body. */
  inferredRunningMean: boolean;
}

/**
 * The first stage of the spike analysis: the residual view of the series and the epoch.
 *
 * Why: every later stage reads the same few things — robust z-scores around the trend
 * (`residuals.ts`), the epoch when it is known (`epoch_layout.ts`) and the loss at its last and
 * first step (`boundary_ratios.ts`), and the level shifts (computed only when the period search
 * needs them, `level_shifts.ts`). They are measured once, here, into one record.
 *
 * Cost: a few O(n) passes.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
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
 * assertEquals([prepared.epoch?.layout.stepsPerEpoch, prepared.epoch?.points], [157, 157]);
 * assertAlmostEquals(prepared.epoch?.last.median ?? 0, 4, 0.1);
 * assertEquals(prepared.residuals.domain, "log");
 * ```
 */
export function prepare(
  loss: Float64Array,
  options: SpikeOptions,
  axis: StepAxis,
  rows: Rows | null,
): Prepared {
  const residuals = robustResiduals(loss);
  const layout = spikeEpoch(options);
  const epoch = layout
    ? {
      layout,
      points: layout.stepsPerEpoch / axis.stride,
      last: boundaryRatios(
        loss,
        residuals.z,
        axis.stepOf,
        layout.stepsPerEpoch,
        layout.stepsPerEpoch - 1,
        axis.stride,
      ),
      first: boundaryRatios(loss, residuals.z, axis.stepOf, layout.stepsPerEpoch, 0, axis.stride),
    }
    : null;
  const undone = epoch ? undo(loss, options, axis, epoch) : null;
  const inferredRunningMean = undone?.holds === true && !options.runningMean;
  if (inferredRunningMean) options = { ...options, runningMean: "epoch" };
  const n = rows?.n ?? loss.length;
  return { loss, options, axis, n, rows, residuals, epoch, undone, inferredRunningMean };
}

/** The running-mean reading of the values at the epoch, its passes announced first. */
function undo(
  loss: Float64Array,
  options: SpikeOptions,
  axis: StepAxis,
  epoch: PreparedEpoch,
): RunningMeanLikelihood {
  options.checkpoint?.(
    WORK_UNITS.shapePoint * 8 * Math.min(loss.length, LOCATE.runningMeanMaxPoints),
  );
  return runningMeanLikelihood(loss, axis.stepOf, epoch.layout.stepsPerEpoch);
}

/**
 * Announces `passes` folds over every point to the caller's checkpoint (`WORK_UNITS`: a point
 * binned by a fold is one unit), before they run: the epoch's judges and the locate stage's
 * folds are work the counted budget covers, as the period search's are.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { prepare, spend } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let units = 0;
 * const checkpoint = (u: number) => void (units += u);
 * const prepared = prepare(new Float64Array(1570).fill(1), { checkpoint }, stepAxis(1570), null);
 * spend(prepared, 2);
 * assertEquals(units, 2 * 1570);
 * ```
 */
export function spend(prepared: Prepared, passes: number): void {
  prepared.options.checkpoint?.(WORK_UNITS.shapePoint * passes * prepared.loss.length);
}

/**
 * Whether a period of `steps` training steps is the epoch (within a point or 2 %).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isEpoch, prepare } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * const prepared = prepare(new Float64Array(1570).fill(1), { stepsPerEpoch: 157 }, stepAxis(1570), null);
 * assertEquals([isEpoch(prepared, 157), isEpoch(prepared, 159), isEpoch(prepared, 100)], [
 *   true, true, false, // within 2 % of 157, or not
 * ]);
 * ```
 */
export function isEpoch(prepared: Prepared, steps: number | null): boolean {
  const epoch = prepared.epoch;
  const stride = prepared.axis.stride;
  return epoch !== null && steps !== null &&
    Math.abs(steps - epoch.layout.stepsPerEpoch) <=
      Math.max(stride, LOCATE.epochTolerance * epoch.layout.stepsPerEpoch);
}

/**
 * Whether the values are read as running means of the epoch at a period of `steps`: the body
 * says so, or the undoing holds (`undone.holds`); or, once a judge has found the epoch, the
 * undoing is merely the likelier of the two readings (`LOCATE.runningMeanCauseLogRatio`, and
 * `LOCATE.runningMeanLogRatio` per difference, with no minimum in all) — the
 * effect is established, and only its cause is chosen (a running mean's restart looks like a
 * spike at an epoch's first step).
 */
export function readsRunningMean(prepared: Prepared, steps: number | null): boolean {
  if (!isEpoch(prepared, steps)) return false;
  if (prepared.options.runningMean === "epoch") return true;
  const undone = prepared.undone;
  return undone !== null && undone.scatter >= LOCATE.runningMeanMinScatter &&
    undone.ties <= LOCATE.runningMeanMaxTies * undone.differences &&
    undone.noiseShare >= LOCATE.runningMeanNoiseShare &&
    undone.epochs >= LOCATE.runningMeanEpochs &&
    undone.logRatio > LOCATE.runningMeanCauseLogRatio &&
    undone.logRatio >= LOCATE.runningMeanLogRatio * undone.differences;
}

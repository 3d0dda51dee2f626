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
 * const prepared = prepare(loss, { stepsPerEpoch: 157 }, stepAxis(loss.length), null);
 * prepared.epoch?.last.median; // ≈ 4 for the ssd_double_norm run
 * ```
 */
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
  n: number;
  nonFinite: { count: number; first_step: number | null };
  /** For every grid point, the index of its row (−1 for a gap: no row was logged there). */
  index: Int32Array;
}

/** The epoch as the later stages need it. */
export interface PreparedEpoch {
  layout: SpikeEpoch;
  /** Logged points per epoch (steps per epoch ÷ the stride). */
  points: number;
  /** The loss at the last and at the first step of every epoch. */
  last: BoundaryRatios;
  first: BoundaryRatios;
}

/** What every later stage reads. */
export interface Prepared {
  loss: Float64Array;
  options: SpikeOptions;
  axis: StepAxis;
  /** Points answered for: the rows given (a gridded series has more points than rows). */
  n: number;
  rows: Rows | null;
  residuals: Residuals;
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
 */
export function spend(prepared: Prepared, passes: number): void {
  prepared.options.checkpoint?.(WORK_UNITS.shapePoint * passes * prepared.loss.length);
}

/** Whether a period of `steps` training steps is the epoch (within a point or 2 %). */
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

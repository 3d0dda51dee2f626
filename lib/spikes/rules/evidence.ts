/**
 * What the diagnosis rules read, and the shape of a rule.
 *
 * Why: each finding id has one rule, in its own file: evidence in, a finding or nothing out.
 * The evidence is everything the earlier stages measured (the period and where it sits, the
 * epoch's boundary ratios, the running-mean signature, the isolated spikes, the trend), plus
 * the reading of the period (`read_period.ts`), so that no two rules claim one period.
 *
 * @module
 */
import type { MeasuredRatioExplanation } from "../../batch/mod.ts";
import type { Finding } from "../../findings/mod.ts";
import type { Period } from "../../period/mod.ts";
import type { BoundaryRatios } from "../boundary_ratios.ts";
import type { SpikeEpoch } from "../epoch_layout.ts";
import type { Excursion } from "../excursions.ts";
import type { Overfitting } from "../overfitting.ts";
import type { RisingTrend } from "../rising_trend.ts";
import type { RunningMeanSignature } from "../running_mean_signature.ts";
import type { RunningMeanLikelihood } from "../running_mean_likelihood.ts";
import type { ScheduledSpike } from "../schedule_events.ts";
import type { Staircase } from "../staircase.ts";
import type { EpochAlignment, Periodicity, Spike, SpikeOptions } from "../types.ts";

/** What a period is read as: one cause, and the other boundary when one point holds both. */
export interface PeriodReading {
  /** What the period is read as: a running mean restarting, a staircase, the data order, the last or first step, the learning-rate schedule. */
  cause: "running-mean" | "staircase" | "data-order" | "last-step" | "first-step" | "schedule";
  /** The other boundary, when one logged point holds the last step of an epoch and the first of the next. */
  alternative: "last-step" | "first-step" | null;
}

/** Everything the diagnosis looks at. */
export interface Evidence {
  /** Points in the series. */
  n: number;
  /** The analysis domain: ln(loss) (`log`) or the loss itself (`linear`). */
  scale: "log" | "linear";
  /** The median |loss| over the finite points (a sample of them): the loss's typical size. */
  typicalLevel: number;
  /** The caller's options (side series on training steps). */
  options: SpikeOptions;
  /** The epoch, when its length is known. */
  layout: SpikeEpoch | null;
  /** The period as the answer states it. */
  periodicity: Periodicity;
  /** The period in points, or null. */
  found: Period | null;
  /** How the period sits against the epoch. */
  alignment: EpochAlignment | null;
  /** The loss at the last step of every epoch against the steps before. */
  last: BoundaryRatios | null;
  /** The loss at the first step of every epoch against the steps before. */
  first: BoundaryRatios | null;
  /** The running-mean test of the cycle, when it was folded. */
  signature: RunningMeanSignature | null;
  /** The values undone as running means of the epoch, against read as per-step losses. */
  undone: RunningMeanLikelihood | null;
  /** The steps at the boundaries of a repeating shape (null when not measured). */
  stairs: Staircase | null;
  /** The last-batch model's reading of the measured ratio (null without dataset and batch size). */
  explanation: MeasuredRatioExplanation | null;
  /** Spikes with no period and no schedule event to explain them. */
  isolated: Spike[];
  /** Spikes that sit on a learning-rate schedule event (explained, not isolated). */
  scheduled: ScheduledSpike[];
  /** The eval loss rising while the training loss falls, when an eval series was given. */
  overfitting: Overfitting | null;
  /** NaN and ±Infinity losses: how many, and the step of the first. */
  nonFinite: { count: number; first_step: number | null };
  /** The rise of the loss after its low, when it has one. */
  rising: RisingTrend | null;
  /** Where the loss exploded (10× its level, or not finite), and whether it came back. */
  excursions: Excursion[];
  /** The training step of a point. */
  stepOf: (index: number) => number;
  /** The reading of the period (null when there is none). */
  reading: PeriodReading | null;
}

/** A diagnosis rule: the finding it may raise, and when. */
export interface Rule {
  /** The finding it may raise. */
  id: Finding["id"];
  /** The finding, or null when the evidence does not call for it. */
  explain: (evidence: Evidence) => Finding | null;
}

/**
 * What the diagnosis rules read, and the shape of a rule.
 *
 * Why: each finding id has one rule, in its own file: evidence in, a finding or nothing out.
 * The evidence is everything the earlier stages measured (the period and where it sits, the
 * epoch's boundary ratios, the running-mean signature, the isolated spikes, the trend), plus
 * the reading of the period (`read_period.ts`), so that no two rules claim one period.
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
  cause: "running-mean" | "staircase" | "data-order" | "last-step" | "first-step" | "schedule";
  alternative: "last-step" | "first-step" | null;
}

/** Everything the diagnosis looks at. */
export interface Evidence {
  n: number;
  /** The analysis domain: ln(loss) (`log`) or the loss itself (`linear`). */
  scale: "log" | "linear";
  /** The median |loss| over the finite points (a sample of them): the loss's typical size. */
  typicalLevel: number;
  options: SpikeOptions;
  layout: SpikeEpoch | null;
  periodicity: Periodicity;
  found: Period | null;
  alignment: EpochAlignment | null;
  last: BoundaryRatios | null;
  first: BoundaryRatios | null;
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
  nonFinite: { count: number; first_step: number | null };
  rising: RisingTrend | null;
  /** Where the loss exploded (10× its level, or not finite), and whether it came back. */
  excursions: Excursion[];
  stepOf: (index: number) => number;
  /** The reading of the period (null when there is none). */
  reading: PeriodReading | null;
}

/** A diagnosis rule: the finding it may raise, and when. */
export interface Rule {
  id: Finding["id"];
  explain: (evidence: Evidence) => Finding | null;
}

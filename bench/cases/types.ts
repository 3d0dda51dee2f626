/**
 * What a benchmark case is: a loss curve as a user would post it to `POST /v1/spikes`, and the
 * ground truth the generator knows because it put the cause there.
 */

/** The request options of `/v1/spikes`, spelled as in the HTTP body (snake_case). */
export interface CaseOptions {
  /** Each point is the mean of this many training steps (default 1). */
  log_every?: number;
  steps_per_epoch?: number;
  dataset_size?: number;
  batch_size?: number;
  drop_last?: boolean;
}

/** Where the periodic effect sits inside an epoch (the `epoch_alignment.position` contract). */
export type EpochPosition = "last-step" | "first-step" | "whole-epoch" | "other";

/** What a correct analysis says about the case. */
export interface Truth {
  /** The period in training steps, or null when the curve has none. */
  period: number | null;
  /** The step (mod period) where the effect peaks; absent when the whole shape repeats. */
  phase?: number;
  /**
   * Finding ids that must all be present. An entry `"a|b"` is satisfied by either id: used
   * where the request gives no epoch information, so more than one diagnosis is defensible.
   */
  expected_findings: string[];
  /** Finding ids that must be absent (a wrong diagnosis). */
  forbidden_findings?: string[];
  /** When epoch information is given: where the effect is relative to the epoch (any of). */
  epoch_position?: EpochPosition[];
  /** When epoch information is given: whether the period is the epoch's. */
  epoch_aligned?: boolean;
}

/** One generated case. */
export interface Case {
  /** Unique, stable for a given seed; encodes kind, sizes and period. */
  name: string;
  /** The family the case belongs to (the rows of the score table). */
  kind: string;
  /** The logged loss; NaN and ±Infinity are allowed. */
  loss: number[];
  /** The training step of each point, when the case gives them. */
  steps?: number[];
  options: CaseOptions;
  truth: Truth;
  /** The generator's parameters (noise, trend, signal-to-noise ratio…), for reading failures. */
  meta: Record<string, number | string | boolean>;
}

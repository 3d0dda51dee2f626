/** The shapes of a spike analysis: its options and its report (the `/v1/spikes` contract). */
import type { Finding } from "../findings/mod.ts";

/** What the caller knows about how the series was logged and the data loaded. */
export interface SpikeOptions {
  /** Training step of every point (increasing); default `index × logEvery`. */
  steps?: Float64Array;
  /** Each point is the mean of this many steps (default 1). */
  logEvery?: number;
  stepsPerEpoch?: number;
  datasetSize?: number;
  batchSize?: number;
  dropLast?: boolean;
}

/** One spike (or dip). `baseline` is the median of the 10 finite points before it. */
export interface Spike {
  step: number;
  index: number;
  value: number;
  baseline: number;
  ratio: number;
  z: number;
  direction: "up" | "down";
}

/** The period found, in training steps, or nulls. */
export interface Periodicity {
  period: number | null;
  phase: number | null;
  confidence: number;
  method: string;
  /** What repeats: spikes up, dips, or a whole shape. */
  kind: "spikes-up" | "spikes-down" | "shape" | null;
  cycles: number | null;
  evidence: string;
}

/** How the period sits against the epoch. */
export interface EpochAlignment {
  steps_per_epoch: number;
  last_batch_size: number | null;
  aligned: boolean;
  position: "last-step" | "first-step" | "whole-epoch" | "other";
}

/** The answer of the analysis. */
export interface SpikeReport {
  n: number;
  /** Whether the analysis ran on ln(loss) (`log`) or on the loss (`linear`). */
  scale: "log" | "linear";
  non_finite: { count: number; first_step: number | null };
  spike_count: number;
  spikes: Spike[];
  periodicity: Periodicity;
  epoch_alignment: EpochAlignment | null;
  findings: Finding[];
  summary: string;
}

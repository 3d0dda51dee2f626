import type { LastBatchAnswer, OptimizerConfig, Reduction } from "../batch/mod.ts";
import type { ContrastiveReport, ContrastiveRequest } from "../contrastive/mod.ts";
import type { Finding, FindingId } from "../findings/mod.ts";
import type { SpikeOptions, SpikeReport } from "../spikes/mod.ts";

/** The analyses a diagnosis can run, in the order they are reported. */
export const CHECKS = ["spikes", "last_batch", "contrastive"] as const;

/** One analysis: the loss curve's spikes, the last-batch model, the contrastive overflow check. */
export type CheckName = typeof CHECKS[number];

/**
 * Everything a diagnosis may be given (camelCase; the route maps the wire names). Each check runs
 * when its inputs are there: `spikes` with a loss series, `last_batch` with dataset and batch
 * size, `contrastive` with a contrastive set-up.
 */
export interface DiagnoseInput {
  /** The training loss per logged point (NaN and ±Infinity are data). */
  loss?: Float64Array | null;
  /** Training step of each point; default index × logEvery. */
  steps?: Float64Array | null;
  /** Steps between two logged points; default 1. */
  logEvery?: number;
  /** Steps (batches) per epoch, when known from the log. */
  stepsPerEpoch?: number;
  /** N, the samples of one epoch (for the last-batch check). */
  datasetSize?: number;
  /** B, per rank (for the last-batch check). */
  batchSize?: number;
  /** `DataLoader(drop_last=...)`; default false. */
  dropLast?: boolean;
  /** The loss reduction; when absent it is inferred from the loss series, else `mean` assumed. */
  reduction?: Reduction;
  /** W, the number of ranks; default 1. */
  worldSize?: number;
  /** `DistributedSampler(drop_last=...)`; default `dropLast`. */
  samplerDropLast?: boolean;
  /** Micro-batches per optimizer step; default 1. */
  gradAccumSteps?: number;
  /** Items in each micro-batch of an accumulation window. */
  itemsPerMicroBatch?: number[];
  /** The optimizer, to follow the bad step's aftermath. */
  optimizer?: OptimizerConfig;
  /** B_noise = tr(Σ)/|G|², in samples, if known. */
  gradNoiseScale?: number;
  /**
   * The series beside the loss (eval loss, learning rate, gradient norm), how the loss was
   * logged, and where it came from: passed to the spike analysis as they are.
   */
  spikeExtras?: Pick<
    SpikeOptions,
    "evalLoss" | "learningRate" | "gradNorm" | "runningMean" | "source"
  >;
  /** The `/v1/contrastive` question. */
  contrastive?: ContrastiveRequest | null;
  /**
   * Passed to the spike analysis: called before each fold of the period search with the units
   * of work it will spend, may throw (the service's `MAX_ANALYSIS_WORK`).
   */
  checkpoint?: (units: number) => void;
}

/** Whether a check ran, and why (or why not). */
export interface CheckStatus {
  /** The check. */
  name: CheckName;
  /** Whether its inputs were there. */
  ran: boolean;
  /** What it ran on, or what it needs. */
  reason: string;
}

/** Where the last-batch check's reduction came from. */
export type ReductionSource = "given" | "inferred" | "assumed";

/** A finding of the diagnosis: which checks raised it, and which of their findings it merges. */
export interface DiagnosedFinding extends Finding {
  /** The checks that raised it, in {@linkcode CHECKS} order. */
  checks: CheckName[];
  /** The ids of the findings merged into this one (just its own id when nothing was merged). */
  merged_ids: FindingId[];
}

/** The answer of a diagnosis. */
export interface DiagnoseReport {
  /** Every check, whether it ran, and why. */
  checks: CheckStatus[];
  /** All findings, most severe first, one per problem across checks. */
  findings: DiagnosedFinding[];
  /** Each check's own answer, or null when it did not run. */
  results: DiagnoseResults;
  /** Observations that need two checks (e.g. a measured ratio against a predicted one). */
  notes: string[];
  /** Markdown a chat bot can paste as is. */
  summary: string;
}

/** Each check's own answer in a diagnosis, or null when it did not run. */
export interface DiagnoseResults {
  /** The spike analysis of the loss series. */
  spikes: SpikeReport | null;
  /** The last-batch model, and where its reduction came from. */
  last_batch: (LastBatchAnswer & { reduction_source: ReductionSource }) | null;
  /** The contrastive overflow check. */
  contrastive: ContrastiveReport | null;
}

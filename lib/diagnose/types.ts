/** The shapes of a combined diagnosis: its input, its checks, its findings, its report. */
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
  logEvery?: number;
  stepsPerEpoch?: number;
  datasetSize?: number;
  batchSize?: number;
  dropLast?: boolean;
  /** The loss reduction; when absent it is inferred from the loss series, else `mean` assumed. */
  reduction?: Reduction;
  worldSize?: number;
  samplerDropLast?: boolean;
  gradAccumSteps?: number;
  itemsPerMicroBatch?: number[];
  optimizer?: OptimizerConfig;
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
  name: CheckName;
  ran: boolean;
  reason: string;
}

/** Where the last-batch check's reduction came from. */
export type ReductionSource = "given" | "inferred" | "assumed";

/** A finding of the diagnosis: which checks raised it, and which of their findings it merges. */
export interface DiagnosedFinding extends Finding {
  checks: CheckName[];
  /** The ids of the findings merged into this one (just its own id when nothing was merged). */
  merged_ids: FindingId[];
}

/** The answer of a diagnosis. */
export interface DiagnoseReport {
  checks: CheckStatus[];
  /** All findings, most severe first, one per problem across checks. */
  findings: DiagnosedFinding[];
  /** Each check's own answer, or null when it did not run. */
  results: {
    spikes: SpikeReport | null;
    last_batch: (LastBatchAnswer & { reduction_source: ReductionSource }) | null;
    contrastive: ContrastiveReport | null;
  };
  /** Observations that need two checks (e.g. a measured ratio against a predicted one). */
  notes: string[];
  summary: string;
}

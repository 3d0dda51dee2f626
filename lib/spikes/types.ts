/**
 * The shapes of a spike analysis: its options and its report. The report is the `/v1/spikes`
 * answer, whose contract is the zod schema in routes/spikes.ts; tests/contract_types.ts holds the
 * two equal at compile time, so a new field goes into both.
 */
import type { Reduction } from "../batch/mod.ts";
import type { Finding } from "../findings/mod.ts";
import type { BodyFormat, LoggedAs } from "../parse/mod.ts";

/** What the caller knows about how the series was logged and the data loaded. */
export interface SpikeOptions {
  /** Training step of every point (increasing); default `index × logEvery`. */
  steps?: Float64Array;
  /** Each point is the mean of this many steps (default 1). */
  logEvery?: number;
  /** Training steps in one epoch, when known (else from `datasetSize` and `batchSize`). */
  stepsPerEpoch?: number;
  /** Training samples in one epoch (with `batchSize`, gives the steps per epoch). */
  datasetSize?: number;
  /** The DataLoader's batch size. */
  batchSize?: number;
  /** The DataLoader's `drop_last` (default false: a partial last batch). */
  dropLast?: boolean;
  /** The eval loss at its own steps: rising while the training loss falls is `overfitting`. */
  evalLoss?: SideSeries;
  /** The learning rate: a spike on one of its schedule events (warm-up's end, a restart) is explained. */
  learningRate?: SideSeries;
  /** The gradient norm (carried for the rules that read it). */
  gradNorm?: SideSeries;
  /**
   * How each logged value was formed, when not one step's loss (or the mean of `logEvery`):
   * `"epoch"` — the running mean since the epoch began (Keras' progress bar, torchvision's
   * `global_avg`), which restarts at every epoch boundary. The JSON field is
   * `logged_as: "epoch-running-mean"`.
   */
  runningMean?: "epoch";
  /** Where the series came from: the body's format and the options its file implied. */
  source?: { format: BodyFormat; fromFile?: InputSummary["from_file"] };
  /**
   * Called by the period search before each fold with the units of work it is about to spend
   * (`WORK_UNITS` of lib/period/find_period.ts: events × candidates, points × folds); may throw
   * to abandon the analysis. The service passes a counter that throws once the counted work
   * passes `MAX_ANALYSIS_WORK`: the count depends on the series alone, never on the clock.
   */
  checkpoint?: (units: number) => void;
}

/**
 * A series beside the loss, at training steps (`aligned` false), or at the indices of the loss
 * points it is aligned with (`aligned` true; the analysis turns them into steps).
 */
export interface SideSeries {
  /** Training steps, or loss point indices when `aligned`. */
  steps: Float64Array;
  /** The values, NaN and ±Infinity included. */
  values: Float64Array;
  /** Whether `steps` are indices of the loss points (default false). */
  aligned?: boolean;
}

/** One spike (or dip). `baseline` is the median of the 10 finite points before it. */
export interface Spike {
  /** Its training step. */
  step: number;
  /** Its index in the series. */
  index: number;
  /** The loss there. */
  value: number;
  /** The median of the 10 finite points before it. */
  baseline: number;
  /** `value` ÷ `baseline`. */
  ratio: number;
  /** Its robust z-score against the local trend and noise. */
  z: number;
  /** A spike (up) or a dip (down). */
  direction: "up" | "down";
}

/** The period found, in training steps, or nulls. */
export interface Periodicity {
  /** The period in training steps, or null. */
  period: number | null;
  /** Its phase: the step modulo the period at which the spikes sit. */
  phase: number | null;
  /** From 0 to 1: the fold's strength (share of cycles hit, or variance explained) × (1 − p). */
  confidence: number;
  /** How the period was found (the test that decided). */
  method: string;
  /** What repeats: spikes up, dips, or a whole shape. */
  kind: "spikes-up" | "spikes-down" | "shape" | null;
  /** The cycles the series spans. */
  cycles: number | null;
  /** The numbers behind the verdict, in words. */
  evidence: string;
}

/** How the period sits against the epoch. */
export interface EpochAlignment {
  /** Training steps in one epoch. */
  steps_per_epoch: number;
  /** The last, partial batch's size (null when unknown, or when the epoch has none). */
  last_batch_size: number | null;
  /** Whether the period is the epoch (or a whole multiple of it). */
  aligned: boolean;
  /** Where in the epoch the spikes sit. */
  position: "last-step" | "first-step" | "whole-epoch" | "other";
  /**
   * When points are means of several steps, the last step of an epoch and the first of the next
   * can fall in one point: the other position the spikes may equally be at, else null.
   */
  alternative: "last-step" | "first-step" | null;
}

/** What the analysis was given: the body's format, its series, and options its file implied. */
export interface InputSummary {
  /** `json`, `csv`, `text`, or the framework file recognised (`trainer_state`, `keras`, …). */
  format: BodyFormat;
  /** Points in each series. */
  series: { loss: number; eval_loss: number; learning_rate: number; grad_norm: number };
  /** Options read from the file itself, used because the request did not give its own. */
  from_file: { steps_per_epoch?: number; log_every?: number; logged_as?: LoggedAs };
}

/** The answer of the analysis. */
export interface SpikeReport {
  /** Points in the series. */
  n: number;
  /** What the analysis was given. */
  input: InputSummary;
  /** Whether the analysis ran on ln(loss) (`log`) or on the loss (`linear`). */
  scale: "log" | "linear";
  /** NaN and ±Infinity losses: how many, and the step of the first. */
  non_finite: { count: number; first_step: number | null };
  /** Spikes found (the list holds at most 10 000). */
  spike_count: number;
  /** The spikes, in step order. */
  spikes: Spike[];
  /** The period of the spikes or of the shape, or nulls. */
  periodicity: Periodicity;
  /** How the period sits against the epoch; null without an epoch length. */
  epoch_alignment: EpochAlignment | null;
  /** The loss at the last step of every epoch, and what the last-batch model makes of it. */
  last_batch: LastBatchMeasurement | null;
  /** What the analysis concludes, most severe first, each with its evidence and remedies. */
  findings: Finding[];
  /** A short Markdown summary. */
  summary: string;
}

/** The measured last-batch ratio and its explanation (the closing of the loop with /v1/last-batch). */
export interface LastBatchMeasurement {
  /** Median over epochs of loss(last step) ÷ median(the 10 steps before). */
  measured_ratio: number;
  /** The smallest per-epoch ratio (null below 2 epochs). */
  min_ratio: number | null;
  /** The largest per-epoch ratio (null below 2 epochs). */
  max_ratio: number | null;
  /** Epochs whose last step was measured. */
  epochs: number;
  /** Share of epochs where the last step is a spike (|z| ≥ 3) in the ratio's direction. */
  spike_share: number;
  /**
   * Whether the per-epoch ratios are significantly away from 1 and consistent (t test on their
   * logs, p ≤ 0.01, spread ≤ half the mean; see `ratioSignificance`): only then is a reduction
   * inferred from them. Else the ratio is the noise of single steps.
   */
  significant: boolean;
  /** Two-sided p of that t test (1 below 3 epochs). */
  p_value: number;
  /** The reduction whose prediction matches (needs dataset_size and batch_size). */
  inferred_reduction: Reduction | null;
  /** Its exponent: loss ∝ b^(1−k). */
  k: number | null;
  /** The ratio the inferred reduction predicts for the last batch. */
  predicted_ratio: number | null;
}

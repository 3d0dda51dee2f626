import type { Format } from "../fp/mod.ts";
import type { Stage } from "../lse/mod.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import type { Scaling } from "./scaling.ts";

/** The stages of an InfoNCE forward pass. */
export type StageName = "matmul" | "temperature" | "exp" | "sum" | "log";

/** One stage's worst case. */
export interface StageReport {
  /** The stage. */
  name: StageName;
  /** What the stage computes, in PyTorch terms. */
  operation: string;
  /** The format its output is written in. */
  format: Format;
  /** The stage's output for the largest possible logit (may be Infinity or NaN). */
  value: number;
  /** The largest finite value of that format. */
  limit: number;
  /** Whether `value` is not finite. */
  overflows: boolean;
  /**
   * The largest |q·k| for which this stage stays finite; null when it cannot overflow or the
   * scale is unknown (logits given as logged).
   */
  safe_dot_limit: number | null;
  /** The same limit on the logits (|q·k| times the scale); null when it cannot overflow. */
  safe_logit_limit: number | null;
}

/** The first stage that overflows, with the numbers to quote. */
export interface FirstOverflow {
  /** The stage. */
  stage: StageName;
  /** What it computes, in PyTorch terms. */
  operation: string;
  /** The format its output is written in. */
  format: Format;
  /** Its output for the largest logit: Infinity or NaN. */
  value: number;
  /** The largest finite value of that format. */
  limit: number;
  /** The largest |q·k| for which it stays finite (see {@linkcode StageReport}). */
  safe_dot_limit: number | null;
  /** The same limit on the logits. */
  safe_logit_limit: number | null;
  /** The |q·k| that was analysed (the logit itself when the scale is unknown). */
  max_dot: number;
  /** One sentence with the numbers. */
  statement: string;
}

/** What is analysed. */
export interface StageInput {
  /**
   * The largest |q·k| (|q|·|k|, or 1 for L2-normalised embeddings); the largest |logit| when the
   * scaling is `none`.
   */
  maxDot: number;
  /** How q·k become logits. */
  scaling: Scaling;
  /** B, the logits of a row (≥ 2). */
  batchSize: number;
  /** How the model is trained. */
  precision: Precision;
  /** The framework's softmax or a hand-written one. */
  softmax: SoftmaxKind;
  /**
   * false for a loss outside the softmax model (SigLIP, DCL): only matmul and the scaling are
   * analysed, and no sentence speaks of a softmax. Default true.
   */
  softmaxStages?: boolean;
}

/** The result. */
export interface StageAnalysis {
  /** The largest |logit| in exact arithmetic: maxDot / τ. */
  max_logit: number;
  /** Every stage's worst case, in order. */
  stages: StageReport[];
  /** The first stage that overflows, with its sentence; null when none does. */
  first_overflow: FirstOverflow | null;
  /** The largest |q·k| every stage survives; null when the scale is unknown. */
  safe_dot_limit: number | null;
  /** The largest |logit| every stage after the scaling survives (Infinity: none can overflow). */
  safe_logit_limit: number;
}

/**
 * The contrastive stage where an op of the log-sum-exp core belongs: the core's input is the
 * scaled logit (`temperature`), the shift and `exp` are `exp`, the running sums `sum`, the
 * final `log` and its additions `log`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CORE_STAGE } from "./stage_types.ts";
 * assertEquals([CORE_STAGE.subtract, CORE_STAGE.rescale], ["exp", "sum"]);
 * ```
 */
export const CORE_STAGE: Record<Stage, StageName> = {
  input: "temperature",
  subtract: "exp",
  exp: "exp",
  sum: "sum",
  rescale: "sum",
  log: "log",
  add: "log",
  divide: "log",
};

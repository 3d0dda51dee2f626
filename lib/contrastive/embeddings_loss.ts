import { type Format, round } from "../fp/mod.ts";
import { infoNceLoss, referenceLogSumExp } from "../lse/mod.ts";
import { NORMALIZE_EPS, normalizeFormat, type NormCheck, rowNorm } from "./normalization.ts";
import { type Precision, precisionPlan, type SoftmaxKind } from "./precision.ts";
import { applyScaling, scaleFactor, type Scaling } from "./scaling.ts";
import { CORE_STAGE, type StageName } from "./stage_types.ts";

/** One row's loss by each core. */
export interface RowLoss {
  /** By the framework's max-shifted softmax, in the precision. */
  stable: number;
  /** By a hand-written softmax, in the precision. */
  naive: number;
  /** In fp64 from the embeddings as given. */
  reference: number;
}

/** Where the first inf/NaN appeared for one core. */
export interface EmbeddingsNonFinite {
  /** The row (anchor) it appeared in. */
  row: number;
  /** The column of the logit; null for an op on the whole row. */
  column: number | null;
  /** A stage of the loss, or `normalize` (F.normalize before the similarity). */
  stage: StageName | "normalize";
  /** The op, in the lse core's words (subtract, exp, sum, log, …) or matmul/temperature. */
  op: string;
  /** The op's operands, as rounded. */
  operands: number[];
  /** Its result: Infinity, -Infinity or NaN. */
  value: number;
}

/** Norm statistics of the rows of one matrix (before any normalisation). */
export interface NormStats {
  /** The mean row norm. */
  mean: number;
  /** The largest. */
  max: number;
  /** The smallest. */
  min: number;
}

/** What the embeddings show. */
export interface EmbeddingsAnalysis {
  /** B, the rows. */
  batch_size: number;
  /** The embedding dimension. */
  dim: number;
  /** q's row norms. */
  q_norm: NormStats;
  /** k's row norms. */
  k_norm: NormStats;
  /** Every row norm is within 1e-3 of 1. */
  normalized: boolean;
  /** The largest |q_i·k_j| in fp64. */
  max_abs_dot: number;
  /** The largest |logit| as emulated (may be Infinity). */
  max_logit: number;
  /** The mean cosine of row i of q with row i of k. */
  mean_positive_cosine: number;
  /** The mean cosine of the other pairs. */
  mean_negative_cosine: number;
  /** Each row's loss. */
  per_row: RowLoss[];
  /** Mean over rows; NaN or Infinity if any row is. */
  loss: RowLoss;
  /** Where each core first met inf/NaN (`stable` = the framework's max-shifted softmax). */
  first_nonfinite: { stable: EmbeddingsNonFinite | null; naive: EmbeddingsNonFinite | null };
  /** What F.normalize did to the row of smallest norm; null when the loss does not normalise. */
  normalization: NormCheck | null;
}

/** Options of {@linkcode embeddingsLoss}. */
export interface EmbeddingsOptions {
  /** The loss L2-normalises q and k (F.normalize, eps 1e-12) before the similarity. */
  normalize?: boolean;
}

function flatten(m: readonly (readonly number[])[], name: string, dim: number, to: Format) {
  const exact = new Float64Array(m.length * dim);
  const cast = new Float64Array(m.length * dim);
  m.forEach((row, i) => {
    if (row.length !== dim) {
      throw new RangeError(`${name}[${i}] has ${row.length} numbers, ${name}[0] has ${dim}`);
    }
    row.forEach((v, d) => {
      if (!Number.isFinite(v)) {
        throw new RangeError(`${name}[${i}][${d}] is ${v}, not a finite number`);
      }
      exact[i * dim + d] = v;
      cast[i * dim + d] = round(v, to);
    });
  });
  return { exact, cast };
}

function norms(m: Float64Array, rows: number, dim: number): number[] {
  return Array.from({ length: rows }, (_, i) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += m[i * dim + d] ** 2;
    return Math.sqrt(s);
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const stats = (xs: number[]): NormStats => ({
  mean: mean(xs),
  max: Math.max(...xs),
  min: Math.min(...xs),
});

/**
 * F.normalize on every row, in place: `cast` (the matmul's input format) becomes the normalised
 * row as the format computes it, `exact` the fp64 normalised row. Returns the smallest row's check
 * and the first row that came out NaN.
 */
function normalizeRows(
  m: { exact: Float64Array; cast: Float64Array },
  name: string,
  rows: number,
  dim: number,
  precision: Precision,
  input: Format,
): { check: NormCheck; nanRow: number | null } {
  const format = normalizeFormat(precision);
  const eps = round(NORMALIZE_EPS, format);
  let check: NormCheck | null = null;
  let nanRow: number | null = null;
  for (let i = 0; i < rows; i++) {
    const exactRow = m.exact.subarray(i * dim, (i + 1) * dim);
    const exactNorm = Math.hypot(...exactRow);
    const norm = rowNorm(exactRow, input, format);
    const denominator = Math.max(norm, eps);
    for (let d = 0; d < dim; d++) {
      const j = i * dim + d;
      m.cast[j] = round(round(m.cast[j] / denominator, format), input);
      m.exact[j] = m.exact[j] / Math.max(exactNorm, NORMALIZE_EPS);
    }
    if (nanRow === null && Number.isNaN(m.cast[i * dim])) nanRow = i;
    if (check === null || norm < check.norm) {
      const outcome = norm === 0 && eps === 0 ? "nan" : norm < eps ? "divided-by-eps" : "ok";
      check = { format, eps, min_norm: exactNorm, norm, outcome, row: `${name}[${i}]` };
    }
  }
  return { check: check!, nanRow };
}

/** The two matrices, cast and exact, with their row norms (before any normalisation). */
interface Prepared {
  batch: number;
  dim: number;
  Q: { exact: Float64Array; cast: Float64Array };
  K: { exact: Float64Array; cast: Float64Array };
  qn: number[];
  kn: number[];
}

/** Stage 1: F.normalize on both sides; the smallest row's check and the first NaN row. */
function normalizeStage(m: Prepared, precision: Precision, input: Format) {
  const sides = [
    normalizeRows(m.Q, "q", m.batch, m.dim, precision, input),
    normalizeRows(m.K, "k", m.batch, m.dim, precision, input),
  ];
  const check = (sides[1].check.norm < sides[0].check.norm ? sides[1] : sides[0]).check;
  const nanSide = sides.findIndex((n) => n.nanRow !== null);
  const trace: EmbeddingsNonFinite | null = nanSide < 0 ? null : {
    row: sides[nanSide].nanRow!,
    column: null,
    stage: "normalize",
    op: `F.normalize(${nanSide === 0 ? "q" : "k"})`,
    operands: [0, sides[nanSide].check.eps],
    value: NaN,
  };
  return { check, trace };
}

/** Where the first logit went non-finite: at q @ k.T or at the scaling. */
function logitTrace(
  i: number,
  j: number,
  acc: number,
  dot: number,
  logit: number,
  scaling: Scaling,
): EmbeddingsNonFinite {
  const atMatmul = !Number.isFinite(dot);
  return {
    row: i,
    column: j,
    stage: atMatmul ? "matmul" : "temperature",
    op: atMatmul ? "q @ k.T" : scaling.kind === "temperature" ? "/ temperature" : "* logit_scale",
    operands: atMatmul ? [acc] : [dot, scaling.value],
    value: logit,
  };
}

/** Stage 2: every logit as the precision writes it, the fp64 reference, and the cosines. */
function logitStage(m: Prepared, scaling: Scaling, precision: Precision, normalized: boolean) {
  const { batch, dim, Q, K, qn, kn } = m;
  const plan = precisionPlan(precision, "framework");
  const factor = scaleFactor(scaling);
  const unit = (n: number) => (normalized ? (n > 0 ? 1 : 0) : n);
  const logits = new Float64Array(batch * batch);
  const reference = new Float64Array(batch * batch);
  const cos = { positive: 0, positives: 0, negative: 0, negatives: 0 };
  let trace: EmbeddingsNonFinite | null = null;
  let maxDot = 0;
  let maxLogit = 0;
  for (let i = 0; i < batch; i++) {
    for (let j = 0; j < batch; j++) {
      let acc = 0;
      let exact = 0;
      for (let d = 0; d < dim; d++) {
        acc = Math.fround(acc + Q.cast[i * dim + d] * K.cast[j * dim + d]);
        exact += Q.exact[i * dim + d] * K.exact[j * dim + d];
      }
      const dot = round(acc, plan.matmul);
      const logit = applyScaling(dot, scaling, plan.logits);
      logits[i * batch + j] = logit;
      reference[i * batch + j] = exact * factor;
      maxDot = Math.max(maxDot, Math.abs(exact));
      maxLogit = Math.max(maxLogit, Math.abs(logit));
      const norms = unit(qn[i]) * unit(kn[j]);
      if (norms > 0 && i === j) {
        [cos.positive, cos.positives] = [cos.positive + exact / norms, cos.positives + 1];
      }
      if (norms > 0 && i !== j) {
        [cos.negative, cos.negatives] = [cos.negative + exact / norms, cos.negatives + 1];
      }
      if (trace === null && !Number.isFinite(logit)) {
        trace = logitTrace(i, j, acc, dot, logit, scaling);
      }
    }
  }
  return { logits, reference, cos, trace, maxDot, maxLogit };
}

/** Stage 3: each row's loss by the framework's and a naive softmax, and the fp64 reference. */
function rowStage(
  logits: Float64Array,
  reference: Float64Array,
  batch: number,
  precision: Precision,
  firstOf: Record<SoftmaxKind, EmbeddingsNonFinite | null>,
): RowLoss[] {
  const plans = [["framework", precisionPlan(precision, "framework")], [
    "naive",
    precisionPlan(precision, "naive"),
  ]] as const;
  const perRow: RowLoss[] = [];
  for (let i = 0; i < batch; i++) {
    const row = logits.subarray(i * batch, (i + 1) * batch);
    const results = {} as Record<SoftmaxKind, number>;
    for (const [kind, plan] of plans) {
      const r = infoNceLoss(row, i, {
        method: kind === "framework" ? "stable" : "naive",
        format: plan.softmax,
        accumulate: plan.accumulate,
      });
      results[kind] = round(r.value, plan.output);
      if (firstOf[kind] === null && r.trace) {
        firstOf[kind] = {
          row: i,
          column: r.trace.index,
          stage: CORE_STAGE[r.trace.stage],
          op: r.trace.stage,
          operands: r.trace.operands,
          value: r.trace.value,
        };
      }
    }
    const refRow = reference.subarray(i * batch, (i + 1) * batch);
    perRow.push({
      stable: results.framework,
      naive: results.naive,
      reference: referenceLogSumExp(refRow) - refRow[i],
    });
  }
  return perRow;
}

function prepare(
  q: readonly (readonly number[])[],
  k: readonly (readonly number[])[],
  input: Format,
): Prepared {
  const batch = q.length;
  if (batch < 2) {
    throw new RangeError(`q needs at least 2 rows (a positive and a negative), found ${batch}`);
  }
  if (k.length !== batch) throw new RangeError(`k has ${k.length} rows, q has ${batch}`);
  const dim = q[0].length;
  if (dim === 0) throw new RangeError("the embeddings have no columns");
  const Q = flatten(q, "q", dim, input);
  const K = flatten(k, "k", dim, input);
  return { batch, dim, Q, K, qn: norms(Q.exact, batch, dim), kn: norms(K.exact, batch, dim) };
}

/**
 * The InfoNCE loss of each row of a batch of embeddings, emulated op by op in a training precision
 * with the framework's (max-shifted) and a hand-written (naive) softmax, and in fp64.
 *
 * Row i of `k` is the positive of row i of `q`; the other rows of `k` are its negatives
 * (`F.cross_entropy(q @ k.T / τ, arange(B))`). The forward pass follows {@linkcode precisionPlan}:
 * q and k are cast to the matmul's input format, each dot product accumulates left to right in
 * fp32 with one rounding per fused multiply-add (what a tensor-core GEMM does, up to the order of
 * summation), is written in the matmul format, scaled by 1/τ (or the logit scale) in the logits
 * format, and the loss runs through the lse core. The first inf/NaN is located by row, column and
 * stage: `matmul`/`temperature` for a logit, else the core's op mapped to `exp`, `sum` or `log`.
 * The fp64 reference uses the embeddings as given. With `normalize` (the loss calls
 * `F.normalize` on q and k) each row is first divided by max(‖row‖, eps) in the format the
 * normalisation runs in ({@linkcode normalizeFormat}); a row that comes out NaN (0/0 in fp16) is
 * the first non-finite value, at stage `normalize`. Rows of norm 0 are left out of the cosine
 * means (their cosine is undefined). Cost O(B²·dim) time, O(B²) memory; the caller bounds B·B·dim.
 *
 * @throws {RangeError} when q and k are empty, differ in shape, or have ragged or non-finite rows.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { embeddingsLoss } from "./embeddings_loss.ts";
 * // Two orthogonal rows of norm 5, τ = 0.05: the positive logits are 25/0.05 = 500.
 * const q = [[3, 4], [4, -3]];
 * const r = embeddingsLoss(q, q, { kind: "temperature", value: 0.05 }, "fp16-autocast");
 * assertEquals([r.max_abs_dot, r.max_logit], [25, 500]);
 * assertEquals(r.loss.stable, 0); // the framework's softmax: e^−500 is 0
 * assertEquals(r.first_nonfinite.stable, null);
 * assertEquals(r.first_nonfinite.naive?.stage, "exp"); // a hand-written exp(500) overflows
 * // A zero row normalised in pure fp16 is 0/0:
 * const zero = embeddingsLoss([[1, 0], [0, 0]], [[1, 0], [0, 1]],
 *   { kind: "temperature", value: 0.05 }, "fp16", { normalize: true });
 * assertEquals(zero.first_nonfinite.stable?.stage, "normalize");
 * ```
 */
export function embeddingsLoss(
  q: readonly (readonly number[])[],
  k: readonly (readonly number[])[],
  scaling: Scaling,
  precision: Precision,
  options: EmbeddingsOptions = {},
): EmbeddingsAnalysis {
  const input = precisionPlan(precision, "framework").inputs;
  const m = prepare(q, k, input);
  const normalized = options.normalize ? normalizeStage(m, precision, input) : null;
  const l = logitStage(m, scaling, precision, options.normalize === true);
  const first = normalized?.trace ?? l.trace;
  const firstOf: Record<SoftmaxKind, EmbeddingsNonFinite | null> = {
    framework: first,
    naive: first,
  };
  const perRow = rowStage(l.logits, l.reference, m.batch, precision, firstOf);
  return {
    batch_size: m.batch,
    dim: m.dim,
    q_norm: stats(m.qn),
    k_norm: stats(m.kn),
    normalized: [...m.qn, ...m.kn].every((n) => Math.abs(n - 1) <= 1e-3),
    max_abs_dot: l.maxDot,
    max_logit: l.maxLogit,
    mean_positive_cosine: l.cos.positive / l.cos.positives,
    mean_negative_cosine: l.cos.negative / l.cos.negatives,
    per_row: perRow,
    loss: {
      stable: mean(perRow.map((r) => r.stable)),
      naive: mean(perRow.map((r) => r.naive)),
      reference: mean(perRow.map((r) => r.reference)),
    },
    first_nonfinite: { stable: firstOf.framework, naive: firstOf.naive },
    normalization: normalized?.check ?? null,
  };
}

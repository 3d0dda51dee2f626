import { lastBatch, type Reduction } from "../batch/mod.ts";
import { checkContrastiveStability } from "../contrastive/mod.ts";
import { analyzeSpikes, type SpikeReport } from "../spikes/mod.ts";
import { diagnoseSummary } from "./diagnose_summary.ts";
import { lastBatchAgreement } from "./last_batch_agreement.ts";
import { mergeFindings, type SourcedFinding } from "./merge_findings.ts";
import type {
  CheckStatus,
  DiagnosedFinding,
  DiagnoseInput,
  DiagnoseReport,
  ReductionSource,
} from "./types.ts";

/**
 * One diagnosis from everything known about a training run: every check its inputs allow, their
 * findings de-duplicated and ranked, each check's own answer, and one Markdown summary.
 *
 * Why: a person (or a chat bot) has a loss curve, some of the data loader's configuration, maybe a
 * contrastive set-up, and one question: what is wrong? The checks are the library's analyses:
 * - `spikes` ({@linkcode analyzeSpikes}) when a loss series is given;
 * - `last_batch` ({@linkcode lastBatch}) when dataset and batch size are given. Its reduction is
 *   the one given, else the one the curve's measured last-batch ratio points to, else `mean`
 *   (PyTorch's default), and the answer says which (`reduction_source`);
 * - `contrastive` ({@linkcode checkContrastiveStability}) when a contrastive set-up is given.
 * Their findings are merged across checks ({@linkcode mergeFindings}: the measured last-batch
 * spike and the predicted partial batch become one finding) and ranked by severity; when both
 * the curve and the configuration speak of the last batch, {@linkcode lastBatchAgreement} says
 * whether the measured and predicted jumps agree, in the merged finding and in `notes`.
 *
 * Cost: the sum of the checks' costs (O(n) plus the period search for the curve, O(B²·dim) for
 * embeddings); the merge is O(F²) for F findings. Throws RangeError when no check can run, and
 * passes on the checks' own RangeErrors (bad steps, inconsistent embeddings, …).
 *
 * @throws {RangeError} when no check can run, and the checks' own (bad steps, inconsistent
 * embeddings, …).
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { diagnose } from "./diagnose.ts";
 * // 10 epochs of 157 steps (5000 samples in batches of 32), the last step of each 4× the others
 * const loss = new Float64Array(1570).map((_, i) =>
 *   (i % 157 === 156 ? 4 : 1) * (1 + 0.05 * Math.sin(i * 12.9898))
 * );
 * const report = diagnose({
 *   loss, datasetSize: 5000, batchSize: 32, reduction: "per_item_then_batch_mean",
 * });
 * assertEquals(report.findings.length, 1); // measured and predicted: one finding
 * assertEquals(report.findings[0].merged_ids, [
 *   "last-batch-spike", "batch-size-dependent-loss", "partial-last-batch",
 * ]);
 * assertEquals(report.findings[0].checks, ["spikes", "last_batch"]);
 * assertEquals(report.checks.map((c) => c.ran), [true, true, false]); // no contrastive set-up
 * ```
 */
export function diagnose(input: DiagnoseInput): DiagnoseReport {
  const loss = input.loss && input.loss.length > 0 ? input.loss : null;
  const hasLoader = input.datasetSize !== undefined && input.batchSize !== undefined;
  const contrastiveRequest = input.contrastive ?? null;
  if (!loss && !hasLoader && !contrastiveRequest) {
    throw new RangeError(
      "nothing to diagnose: give a loss series (`loss`), the data loader's `dataset_size` and " +
        "`batch_size`, or a `contrastive` set-up",
    );
  }

  const spikes = loss ? spikesCheck(loss, input) : null;
  const [reduction, source] = reductionOf(input, spikes);
  const batch = hasLoader ? lastBatchCheck(input, reduction, source) : null;
  const contrastive = contrastiveRequest ? checkContrastiveStability(contrastiveRequest) : null;

  const sourced: SourcedFinding[] = [
    ...(spikes?.findings ?? []).map((finding) => ({ check: "spikes" as const, finding })),
    ...(batch?.findings ?? []).map((finding) => ({ check: "last_batch" as const, finding })),
    ...(contrastive?.findings ?? []).map((finding) => ({ check: "contrastive" as const, finding })),
  ];
  const findings = mergeFindings(sourced);
  const notes = spikes && batch ? lastBatchAgreement(spikes, batch, source) : [];
  const merged = findings.find(isMeasuredAndPredictedLastBatch);
  if (merged && notes.length > 0) merged.evidence += ` ${notes.join(" ")}`;

  const checks: CheckStatus[] = [
    spikesStatus(spikes),
    lastBatchStatus(input, batch !== null, reduction, source),
    contrastive
      ? { name: "contrastive", ran: true, reason: contrastive.modes.join(" + ") }
      : { name: "contrastive", ran: false, reason: "no `contrastive` set-up" },
  ];

  return {
    checks,
    findings,
    results: { spikes, last_batch: batch, contrastive },
    notes,
    // Notes already told in the merged finding are not repeated under it.
    summary: diagnoseSummary(checks, findings, merged ? [] : notes),
  };
}

/** The curve's analysis, with the loader's numbers it can use to place the epochs. */
function spikesCheck(loss: NonNullable<DiagnoseInput["loss"]>, input: DiagnoseInput): SpikeReport {
  return analyzeSpikes(loss, {
    ...input.spikeExtras,
    steps: input.steps ?? undefined,
    logEvery: input.logEvery,
    stepsPerEpoch: input.stepsPerEpoch,
    datasetSize: input.datasetSize,
    batchSize: input.batchSize,
    dropLast: input.dropLast,
    checkpoint: input.checkpoint,
  });
}

/** The reduction given, else the one the curve's last-batch ratio points to, else `mean`. */
function reductionOf(
  input: DiagnoseInput,
  spikes: SpikeReport | null,
): [Reduction, ReductionSource] {
  if (input.reduction) return [input.reduction, "given"];
  if (spikes?.last_batch?.inferred_reduction) {
    return [spikes.last_batch.inferred_reduction as Reduction, "inferred"];
  }
  return ["mean", "assumed"];
}

/** The configuration's prediction, with where its reduction came from. */
function lastBatchCheck(input: DiagnoseInput, reduction: Reduction, source: ReductionSource) {
  return {
    ...lastBatch({
      datasetSize: input.datasetSize!,
      batchSize: input.batchSize!,
      dropLast: input.dropLast,
      reduction,
      worldSize: input.worldSize,
      samplerDropLast: input.samplerDropLast,
      gradAccumSteps: input.gradAccumSteps,
      itemsPerMicroBatch: input.itemsPerMicroBatch,
      optimizer: input.optimizer,
      gradNoiseScale: input.gradNoiseScale,
    }),
    reduction_source: source,
  };
}

function spikesStatus(spikes: SpikeReport | null): CheckStatus {
  return spikes
    ? { name: "spikes", ran: true, reason: `${spikes.n} points` }
    : { name: "spikes", ran: false, reason: "no `loss` series" };
}

/** What the last-batch check read (the reduction's source unless given), or what it lacks. */
function lastBatchStatus(
  input: DiagnoseInput,
  ran: boolean,
  reduction: Reduction,
  source: ReductionSource,
): CheckStatus {
  if (ran) {
    return {
      name: "last_batch",
      ran: true,
      reason: `${input.datasetSize} samples, batch ${input.batchSize}, reduction ` +
        `\`${reduction}\`${source === "given" ? "" : ` ${source}`}`,
    };
  }
  return {
    name: "last_batch",
    ran: false,
    reason: input.datasetSize === undefined && input.batchSize === undefined
      ? "needs `dataset_size` and `batch_size`"
      : `needs \`${input.datasetSize === undefined ? "dataset_size" : "batch_size"}\` too`,
  };
}

/** The merged last-batch finding: measured by the curve and predicted by the configuration. */
function isMeasuredAndPredictedLastBatch(f: DiagnosedFinding): boolean {
  return f.checks.includes("spikes") && f.checks.includes("last_batch") &&
    (f.merged_ids.includes("partial-last-batch") ||
      f.merged_ids.includes("batch-size-dependent-loss"));
}

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
 * @example
 * ```ts
 * const report = diagnose({ loss, datasetSize: 5000, batchSize: 32,
 *   reduction: "per_item_then_batch_mean" });
 * report.findings[0].merged_ids; // ["last-batch-spike", "batch-size-dependent-loss", "partial-last-batch"]
 * ```
 */
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

  const spikes: SpikeReport | null = loss
    ? analyzeSpikes(loss, {
      ...input.spikeExtras,
      steps: input.steps ?? undefined,
      logEvery: input.logEvery,
      stepsPerEpoch: input.stepsPerEpoch,
      datasetSize: input.datasetSize,
      batchSize: input.batchSize,
      dropLast: input.dropLast,
      checkpoint: input.checkpoint,
    })
    : null;

  let reduction: Reduction = "mean", source: ReductionSource = "assumed";
  if (input.reduction) {
    [reduction, source] = [input.reduction, "given"];
  } else if (spikes?.last_batch?.inferred_reduction) {
    [reduction, source] = [spikes.last_batch.inferred_reduction as Reduction, "inferred"];
  }
  const batch = hasLoader
    ? {
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
    }
    : null;

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
    spikes
      ? { name: "spikes", ran: true, reason: `${spikes.n} points` }
      : { name: "spikes", ran: false, reason: "no `loss` series" },
    batch
      ? {
        name: "last_batch",
        ran: true,
        reason: `${input.datasetSize} samples, batch ${input.batchSize}, reduction ` +
          `\`${reduction}\`${source === "given" ? "" : ` ${source}`}`,
      }
      : {
        name: "last_batch",
        ran: false,
        reason: input.datasetSize === undefined && input.batchSize === undefined
          ? "needs `dataset_size` and `batch_size`"
          : `needs \`${input.datasetSize === undefined ? "dataset_size" : "batch_size"}\` too`,
      },
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

/** The merged last-batch finding: measured by the curve and predicted by the configuration. */
function isMeasuredAndPredictedLastBatch(f: DiagnosedFinding): boolean {
  return f.checks.includes("spikes") && f.checks.includes("last_batch") &&
    (f.merged_ids.includes("partial-last-batch") ||
      f.merged_ids.includes("batch-size-dependent-loss"));
}

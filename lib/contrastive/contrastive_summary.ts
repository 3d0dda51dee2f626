import type { Finding } from "../findings/mod.ts";
import type { EmbeddingsAnalysis } from "./embeddings_loss.ts";
import { formatNumber as f } from "./format_number.ts";
import type { StageAnalysis } from "./stage_analysis.ts";
import type { NanOrigin } from "./nan_origin.ts";
import type { Forecast } from "./overflow_forecast.ts";

/** What the summary is written from. */
export interface SummaryInput {
  /** The set-up in one line: precision, scaling, softmax, B, normalisation. */
  header: string;
  /** The sentence saying the loss is outside the softmax model; null when inside. */
  outside: string | null;
  /** The worst case through the stages. */
  stages: StageAnalysis | null;
  /** When the logits are expected to overflow (or did). */
  forecast: Forecast | null;
  /** What the embeddings show. */
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  /** The verdict on a non-finite loss of the trajectory. */
  nan: NanOrigin | null;
  /** The findings, most severe first. */
  findings: readonly Finding[];
}

/** One line on a non-finite loss that is not an observed overflow (the forecast states that). */
function nanLine(nan: NanOrigin | null): string | null {
  if (!nan) return null;
  switch (nan.verdict) {
    case "no-overflow":
      return `**NaN at step ${nan.step} without an overflow**: every stage of the loss's forward ` +
        "pass is finite there, so the NaN comes from the backward pass or the optimizer.";
    case "forward":
      return `**NaN at step ${nan.step} from the forward pass, without an overflow**: a 0/0 or a ` +
        "mask (see the findings).";
    case "unknown":
      return `The loss is not finite at step ${nan.step}; what was logged at that step does not ` +
        "show whether the logits overflowed.";
    default:
      return null;
  }
}

/**
 * The Markdown summary of a contrastive-loss check, written from `s`: the verdict first, then the
 * stage table, the forecast and the findings, short enough for a chat bot to paste. O(stages +
 * findings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { contrastiveSummary } from "./contrastive_summary.ts";
 * import { analyzeStages } from "./stage_analysis.ts";
 * const stages = analyzeStages({
 *   maxDot: 95.8 * 93.5, scaling: { kind: "temperature", value: 0.05 }, batchSize: 128,
 *   precision: "fp16-autocast", softmax: "framework",
 * });
 * const lines = contrastiveSummary({
 *   header: "fp16-autocast, τ = 0.05", outside: null, stages, forecast: null, embeddings: null,
 *   nan: null, findings: [],
 * }).split("\n");
 * assertEquals(lines[0], "**Contrastive loss check** (fp16-autocast, τ = 0.05)");
 * assertEquals(lines[2].startsWith("**Overflows at `q @ k.T / 0.05`** (fp16): |q·k| up to"), true);
 * assertEquals(
 *   lines[7],
 *   "| temperature | `q @ k.T / 0.05` | fp16 | Infinity | **yes** | 3,275.2 |",
 * );
 * assertEquals(lines.at(-1), "No findings.");
 * ```
 */
export function contrastiveSummary(s: SummaryInput): string {
  const lines = [`**Contrastive loss check** (${s.header})`, ""];
  if (s.outside) lines.push(`**Outside the softmax model**: ${s.outside}`, "");
  const st = s.stages;
  if (st) {
    lines.push(
      st.first_overflow
        ? `**Overflows at \`${st.first_overflow.operation}\`** (${st.first_overflow.format}): ${st.first_overflow.statement}`
        : `**No overflow**: the largest logit ${f(st.max_logit)} passes every stage; ${
          st.safe_dot_limit === null
            ? `the logits may grow to ${f(st.safe_logit_limit)}`
            : `|q·k| may grow to ${f(st.safe_dot_limit)}`
        }.`,
      "",
      "| stage | op | format | worst value | overflows | safe \\|q·k\\| ≤ |",
      "|---|---|---|---|---|---|",
      ...st.stages.map((x) =>
        `| ${x.name} | \`${x.operation}\` | ${x.format} | ${f(x.value)} | ${
          x.overflows ? "**yes**" : "no"
        } | ${x.safe_dot_limit === null ? "—" : f(x.safe_dot_limit)} |`
      ),
      "",
    );
  }
  const e = s.embeddings;
  if (e) {
    const where = (x: typeof e.first_nonfinite.stable) =>
      x ? `first ${x.value} at ${x.stage} (row ${x.row})` : "finite";
    lines.push(
      `Embeddings (${e.batch_size}×${e.dim}): mean loss ${f(e.loss.stable)} (framework), ${
        f(e.loss.naive)
      } (naive), ${f(e.loss.reference)} (fp64); framework ${where(e.first_nonfinite.stable)}, ` +
        `naive ${where(e.first_nonfinite.naive)}.`,
      "",
    );
  }
  const nan = nanLine(s.nan);
  if (nan && !(s.forecast?.model === "observed")) lines.push(nan, "");
  const fc = s.forecast;
  if (fc) {
    lines.push(
      fc.model === "observed"
        ? `Trajectory: ${fc.note}.`
        : `Forecast: ${fc.quantity} reaches its limit ${
          f(fc.limit)
        } around **step ${fc.overflow_step}** ` +
          `(range ${fc.range[0]}–${fc.range[1]}, ${fc.confidence} confidence; ${fc.note}).`,
      "",
    );
  }
  if (s.findings.length === 0) lines.push("No findings.");
  for (const x of s.findings) lines.push(`- **${x.severity}** \`${x.id}\`: ${x.title}`);
  return lines.join("\n");
}

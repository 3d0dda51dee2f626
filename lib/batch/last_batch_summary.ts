/**
 * The Markdown summary of the last-batch analysis: the epoch layout, the loss and gradient factors
 * of the last batch, what the optimizer makes of it, and the findings, in a form a chat bot can
 * paste as is. Cost O(number of findings).
 *
 * @example
 * ```ts
 * lastBatch({ datasetSize: 5000, batchSize: 32, reduction: "mean" }).summary;
 * // "**Last batch: 8 of 32 samples** (5000 = 156 × 32 + 8; 157 steps per epoch). …"
 * ```
 */
import type { Finding } from "../findings/mod.ts";
import { bySeverity } from "../findings/mod.ts";
import { formatFactor, formatNumber } from "./format.ts";
import type { LastBatchAnswer } from "./last_batch.ts";

type Computed = Omit<LastBatchAnswer, "findings" | "summary">;

function optimizerLine(a: Computed): string | null {
  const o = a.optimizer_effect;
  if (!o) return null;
  const name = o.type === "sgd"
    ? `SGD, momentum ${o.momentum}`
    : `${o.type === "adam" ? "Adam" : "AdamW"}, β1 ${o.beta1}, β2 ${o.beta2}`;
  if (o.spike_factor === 1) return `**Optimizer** (${name}): no bad step to carry.`;
  let line = `**Optimizer** (${name}), bad gradient ${formatFactor(o.spike_factor)}: update ` +
    `${formatFactor(o.spike_update_ratio)} a normal one, more than 10 % off for ` +
    `${o.tail_steps} more step${o.tail_steps === 1 ? "" : "s"}`;
  if (o.damped_steps > 0) {
    line += `, down to ${formatFactor(o.rebound_update_ratio)} while the second moment is inflated`;
  }
  return line +
    `; ${formatNumber(o.extra_displacement_normal_steps)} normal steps of extra distance.`;
}

/** The Markdown summary of an analysed configuration and its findings. */
export function lastBatchSummary(a: Computed, findings: readonly Finding[]): string {
  const b = a.batch_size, r = a.last_batch_size;
  const lines: string[] = [];
  const rank = a.world_size > 1 ? ` per rank (${a.world_size} ranks)` : "";
  if (a.partial_last_batch) {
    const samples = a.per_rank?.samples ?? (a.steps_per_epoch - 1) * b + r;
    lines.push(
      `**Last batch: ${r} of ${b} samples**${rank} (${samples} = ${
        a.steps_per_epoch - 1
      } × ${b} + ` +
        `${r}; ${a.steps_per_epoch} steps per epoch).`,
    );
  } else {
    lines.push(
      `**Every batch is full**${rank}: ${a.steps_per_epoch} steps of ${b} per epoch` +
        (a.dropped_samples > 0 ? `, ${a.dropped_samples} samples left out each epoch.` : "."),
    );
  }
  lines.push(
    "",
    "| last batch ÷ full batch | factor |",
    "|---|---|",
    `| loss (\`${a.reduction}\`, k = ${formatNumber(a.reduction_exponent)}) | **${
      formatFactor(a.loss_scale)
    }** |`,
    a.gradient.noise_factor === null
      ? `| gradient norm | ${formatFactor(a.gradient.range[0])}–${
        formatFactor(a.gradient.range[1])
      } (noise unknown) |`
      : `| gradient norm | ${formatFactor(a.gradient.combined)} |`,
  );
  const window = a.accumulation?.last_window;
  if (window) {
    lines.push(`| last accumulation window's gradient | ${formatFactor(window.grad_scale)} |`);
  }
  const optimizer = optimizerLine(a);
  if (optimizer) lines.push("", optimizer);
  if ((a.duplicated_samples ?? 0) > 0) {
    lines.push(
      "",
      `DistributedSampler padding: ${a.duplicated_samples} sample(s) seen twice per epoch.`,
    );
  }
  const sampler = a.assumptions.find((x) => x.startsWith("DistributedSampler"));
  if (sampler) lines.push("", `_Assumed:_ ${sampler}`);
  lines.push("");
  if (findings.length === 0) {
    lines.push("No problem: the last batch is weighed like every other one.");
  } else {
    for (const f of bySeverity(findings)) {
      lines.push(`- **${f.severity}** \`${f.id}\`: ${f.title}. Fix: ${f.remedies[0] ?? "—"}`);
    }
  }
  return lines.join("\n");
}

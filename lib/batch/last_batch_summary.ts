import type { Finding } from "../findings/mod.ts";
import { bySeverity } from "../findings/mod.ts";
import { formatFactor, formatNumber } from "./format.ts";
import type { LastBatchComputed } from "./last_batch.ts";

function optimizerLine(a: LastBatchComputed): string | null {
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
  const extra = o.extra_displacement_normal_steps;
  line += `; net extra distance ${formatNumber(extra)} normal steps`;
  return line + (extra < 0 && o.spike_factor > 1 ? " (the damped steps outweigh the spike)." : ".");
}

/** The first line: where the last batch stands in the epoch. */
function layoutLine(a: LastBatchComputed): string {
  const b = a.batch_size, r = a.last_batch_size, steps = a.steps_per_epoch;
  const ranks = a.world_size > 1 ? ` on each of ${a.world_size} ranks` : "";
  if (!a.partial_last_batch) {
    const left = a.unseen_samples > 0
      ? `, ${a.unseen_samples} sample${a.unseen_samples === 1 ? "" : "s"} never seen each epoch`
      : "";
    return `**Every batch is full**${ranks}: ${steps} steps of ${b} per epoch${left}.`;
  }
  const samples = a.per_rank?.samples ?? (steps - 1) * b + r;
  const per = a.world_size > 1 ? " per rank" : "";
  return `**Last batch: ${r} of ${b} samples**${ranks} ` +
    `(${samples}${per} = ${steps - 1} × ${b} + ${r}; ${steps} steps per epoch).`;
}

/**
 * The Markdown summary of an analysed configuration and its findings: the epoch layout, the loss
 * and gradient factors of the last batch, what the optimizer makes of it, and the findings, in a
 * form a chat bot can paste as is. Cost O(number of findings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lastBatch } from "./last_batch.ts";
 * import { lastBatchSummary } from "./last_batch_summary.ts";
 * const { findings, summary, ...computed } = lastBatch({
 *   datasetSize: 5000, batchSize: 32, reduction: "mean",
 * });
 * assertEquals(lastBatchSummary(computed, findings), summary);
 * assertEquals(
 *   summary.split("\n")[0],
 *   "**Last batch: 8 of 32 samples** (5000 = 156 × 32 + 8; 157 steps per epoch).",
 * );
 * ```
 */
export function lastBatchSummary(a: LastBatchComputed, findings: readonly Finding[]): string {
  const g = a.gradient;
  const loss = `| loss (\`${a.reduction}\`, k = ${formatNumber(a.reduction_exponent)}) | ` +
    `**${formatFactor(a.loss_scale)}** |`;
  const gradient = g.noise_factor === null
    ? `| gradient norm | ${formatFactor(g.range[0])}–${formatFactor(g.range[1])} (noise unknown) |`
    : `| gradient norm | ${formatFactor(g.combined)} |`;
  const lines = [
    layoutLine(a),
    "",
    "| last batch ÷ full batch | factor |",
    "|---|---|",
    loss,
    gradient,
  ];
  const window = a.accumulation?.last_window;
  if (window) {
    lines.push(`| last accumulation window's gradient | ${formatFactor(window.grad_scale)} |`);
  }
  const norm = a.accumulation?.normalization;
  if (norm && norm.loss_factor !== 1) {
    lines.push(
      `| every window's loss and gradient (\`${norm.mode}\`) | **${
        formatFactor(norm.loss_factor)
      }** |`,
    );
  }
  const optimizer = optimizerLine(a);
  if (optimizer) lines.push("", optimizer);
  if ((a.duplicated_samples ?? 0) > 0) {
    lines.push(
      "",
      `DistributedSampler padding: ${a.duplicated_samples} sample(s) seen twice per epoch.`,
    );
  } else if ((a.padded_samples ?? 0) > 0) {
    lines.push(
      "",
      `DistributedSampler padding: ${a.padded_samples} index(es), all in the dropped last ` +
        `batches: no sample is seen twice${
          a.unseen_samples > 0 ? `, ${a.unseen_samples} never seen` : ""
        }.`,
    );
  }
  const sampler = a.assumptions.find((x) => x.startsWith("DistributedSampler"));
  if (sampler) lines.push("", `_Assumed:_ ${sampler}`);
  lines.push("");
  if (findings.length === 0) {
    lines.push("No problem: the last batch is weighed like every other one.");
  } else {
    for (const f of bySeverity(findings)) {
      // the trigger's own fix (drop_last…) rather than the pointer to the cause's fix
      const fix = f.remedies.find((x) => !x.startsWith("Best, fix the reduction")) ?? f.remedies[0];
      lines.push(`- **${f.severity}** \`${f.id}\`: ${f.title}. Fix: ${fix ?? "—"}`);
    }
  }
  return lines.join("\n");
}

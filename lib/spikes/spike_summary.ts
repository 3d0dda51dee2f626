import type { SpikeReport } from "./types.ts";

/**
 * The Markdown a chat bot pastes: the verdict first, then each finding with its first remedy.
 *
 * Cost: O(findings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { analyzeSpikes } from "./analyze_spikes.ts";
 * import { spikeSummary } from "./spike_summary.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const summary = spikeSummary(analyzeSpikes(loss, { datasetSize: 5000, batchSize: 32 }));
 * assertEquals(summary.startsWith("## Loss spikes: "), true);
 * assertEquals(summary.includes("period **157 steps**"), true);
 * ```
 */
export function spikeSummary(report: SpikeReport): string {
  const lines: string[] = [];
  const p = report.periodicity;
  const head = report.findings[0];
  lines.push(`## Loss spikes: ${head ? head.title : "no problem found"}`);
  lines.push("");
  lines.push(
    `${report.n} points, ${report.spike_count} spike${report.spike_count === 1 ? "" : "s"}; ` +
      (p.period !== null
        ? `period **${p.period} steps** (phase ${p.phase ?? "—"}, confidence ${
          p.confidence.toFixed(2)
        })`
        : "no period") +
      (report.epoch_alignment
        ? `; epoch ${report.epoch_alignment.steps_per_epoch} steps, ${
          report.epoch_alignment.aligned
            ? `aligned at the ${report.epoch_alignment.position}`
            : "not aligned"
        }`
        : "") +
      (report.non_finite.count > 0
        ? `; ${report.non_finite.count} non-finite from step ${report.non_finite.first_step}`
        : "") +
      ".",
  );
  for (const f of report.findings) {
    lines.push("");
    lines.push(`- **${f.severity}** \`${f.id}\` — ${f.title}. ${f.evidence}`);
    if (f.remedies[0]) lines.push(`  - Fix: ${f.remedies[0]}`);
  }
  return lines.join("\n");
}

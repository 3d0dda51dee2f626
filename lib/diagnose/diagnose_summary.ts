import type { CheckName, CheckStatus, DiagnosedFinding } from "./types.ts";

const CHECK_TITLES: Readonly<Record<CheckName, string>> = {
  spikes: "loss spikes",
  last_batch: "last batch",
  contrastive: "contrastive overflow",
};

/**
 * The Markdown of a diagnosis, for a terminal or a chat: the verdict, what was checked, each
 * finding with its evidence and fixes, and the observations that needed two checks (`notes`;
 * {@linkcode diagnose} passes none when the merged finding already tells them).
 *
 * Why this shape: a person reads the first line and the first fix; a chat bot pastes the whole.
 * The first finding gets up to three fixes (it is the one to act on), the others one each.
 *
 * Cost: O(findings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { diagnose } from "./diagnose.ts";
 * import { diagnoseSummary } from "./diagnose_summary.ts";
 * // 10 epochs of 157 steps (5000 samples in batches of 32), the last step of each 4× the others
 * const loss = new Float64Array(1570).map((_, i) =>
 *   (i % 157 === 156 ? 4 : 1) * (1 + 0.05 * Math.sin(i * 12.9898))
 * );
 * const report = diagnose({
 *   loss, datasetSize: 5000, batchSize: 32, reduction: "per_item_then_batch_mean",
 * });
 * const summary = diagnoseSummary(report.checks, report.findings, []);
 * assertEquals(summary, report.summary);
 * assertEquals(
 *   summary.split("\n")[0],
 *   "## Diagnosis: the loss spikes at the last, partial batch of every epoch",
 * );
 * assertEquals(diagnoseSummary([], [], []).split("\n")[0], "## Diagnosis: no problem found");
 * ```
 */
export function diagnoseSummary(
  checks: readonly CheckStatus[],
  findings: readonly DiagnosedFinding[],
  notes: readonly string[],
): string {
  const head = findings[0];
  const lines = [`## Diagnosis: ${head ? lowerFirst(head.title) : "no problem found"}`, ""];
  const ran = checks.filter((c) => c.ran);
  const skipped = checks.filter((c) => !c.ran);
  lines.push(
    `Checked: ${ran.map((c) => `${CHECK_TITLES[c.name]} (${c.reason})`).join("; ")}.` +
      (skipped.length > 0
        ? ` Not checked: ${skipped.map((c) => `${CHECK_TITLES[c.name]} (${c.reason})`).join("; ")}.`
        : ""),
  );
  findings.forEach((f, k) => {
    lines.push("");
    const from = f.checks.length > 1
      ? ` (${f.checks.map((c) => CHECK_TITLES[c]).join(" + ")})`
      : "";
    lines.push(`- **${f.severity}** \`${f.id}\`${from} — ${f.title}. ${f.evidence}`);
    f.remedies.slice(0, k === 0 ? 3 : 1).forEach((r, i) => {
      lines.push(`  - ${i === 0 ? "Fix" : "Or"}: ${r}`);
    });
  });
  if (findings.length === 0) {
    lines.push("", "No check found a problem in what was given.");
  }
  for (const note of notes) lines.push("", `> ${note}`);
  return lines.join("\n");
}

function lowerFirst(text: string): string {
  return text.length > 1 && text[1] === text[1].toLowerCase()
    ? text[0].toLowerCase() + text.slice(1)
    : text;
}

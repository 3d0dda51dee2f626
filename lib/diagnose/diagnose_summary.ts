/**
 * The Markdown of a diagnosis, for a terminal or a chat: the verdict, what was checked, each
 * finding with its evidence and fixes, and the observations that needed two checks.
 *
 * Why this shape: a person reads the first line and the first fix; a chat bot pastes the whole.
 * The first finding gets up to three fixes (it is the one to act on), the others one each.
 *
 * Cost: O(findings).
 *
 * @example
 * ```ts
 * diagnoseSummary(report).split("\n")[0];
 * // "## Diagnosis: the loss spikes at the last, partial batch of every epoch"
 * ```
 */
import type { CheckName, CheckStatus, DiagnosedFinding } from "./types.ts";

const CHECK_TITLES: Readonly<Record<CheckName, string>> = {
  spikes: "loss spikes",
  last_batch: "last batch",
  contrastive: "contrastive overflow",
};

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

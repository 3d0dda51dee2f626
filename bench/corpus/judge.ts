/**
 * How an answer of `POST /v1/spikes` is judged against a label (a real log's or an outside
 * case's truth). The rules, from issue 11:
 *
 * - every `expected` finding id is present, at any severity;
 * - no `forbidden` id is present;
 * - `no_warning`: no finding above severity `info`;
 * - `period`: `null` — the answer reports none; a number — the reported period is within
 *   max(log interval, 2 % of the period) steps of it; `"any"` — not judged;
 * - an answer that is not 200 fails (`status:<code>`).
 *
 * @example
 * ```ts
 * import { judge } from "./judge.ts";
 * const answer = { periodicity: { period: 410 }, findings: [{ id: "epoch-start-drop", severity: "info" }] };
 * const label = { expected: ["epoch-start-drop"], forbidden: [], no_warning: true, period: 412 };
 * if (judge(200, answer, label, 10).length !== 0) throw new Error("should pass");
 * ```
 */

/** The parts of a label the judge reads. */
export interface Label {
  expected: string[];
  forbidden: string[];
  no_warning: boolean;
  period: number | null | "any";
}

/** The parts of an answer the judge reads. */
export interface Answer {
  periodicity?: { period: number | null };
  findings?: { id: string; severity: string }[];
}

/** Relative share of the period a reported period may be off by (issue 11: 2 %). */
export const PERIOD_SHARE = 0.02;

/** The largest error, in steps, a reported period may have: max(log interval, 2 % of it). */
export function periodTolerance(period: number, logInterval: number): number {
  return Math.max(logInterval, PERIOD_SHARE * period);
}

/** Judges the period: an empty string when right, else what was wrong. */
function judgePeriod(reported: number | null, truth: Label["period"], logInterval: number) {
  if (truth === "any") return "";
  if (truth === null) return reported === null ? "" : `period:${reported}≠none`;
  if (reported === null) return `period:none≠${truth}`;
  return Math.abs(reported - truth) <= periodTolerance(truth, logInterval)
    ? ""
    : `period:${Math.round(reported * 100) / 100}≠${truth}`;
}

/**
 * The label parts an answer fails, as short strings (`expected:<id>`, `forbidden:<id>`,
 * `no_warning:<id>(<severity>)`, `period:<reported>≠<truth>`, `status:<code>`); empty when it
 * meets the label. Cost: linear in the findings.
 */
export function judge(status: number, answer: Answer, label: Label, logInterval: number): string[] {
  if (status !== 200) return [`status:${status}`];
  const findings = answer.findings ?? [];
  const ids = new Set(findings.map((f) => f.id));
  const failed: string[] = [];
  for (const id of label.expected) if (!ids.has(id)) failed.push(`expected:${id}`);
  for (const id of label.forbidden) if (ids.has(id)) failed.push(`forbidden:${id}`);
  if (label.no_warning) {
    for (const f of findings) {
      if (f.severity !== "info") failed.push(`no_warning:${f.id}(${f.severity})`);
    }
  }
  const p = judgePeriod(answer.periodicity?.period ?? null, label.period, logInterval);
  if (p) failed.push(p);
  return failed;
}

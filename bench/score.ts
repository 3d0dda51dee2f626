/**
 * How an answer is judged against a case's truth — the rules of issue 2's "Done when", shared
 * by the evaluation, the peers' table and the bench so every number means the same thing:
 *
 * - period right: |reported − true| ≤ max(log_every, 2 % of the true period), in steps;
 * - false period: a period reported on a curve that has none;
 * - findings: every expected id present (an entry "a|b" accepts either), no forbidden id;
 * - phase (reported for information): circular distance ≤ max(2·log_every, 2 % of P, 2) steps;
 * - epoch alignment (information): `position` one of the accepted ones, `aligned` as expected.
 */
import type { Case } from "./cases/types.ts";

/** The largest error in steps a reported period may have. */
export function periodTolerance(period: number, logEvery: number): number {
  return Math.max(logEvery, 0.02 * period);
}

/** Names a reported period against the truth: ok, none, a multiple (2P) or fraction (P/3), wrong. */
export function classifyPeriod(
  reported: number | null,
  truth: number | null,
  logEvery: number,
): string {
  if (truth === null) return reported === null ? "ok" : "false-period";
  if (reported === null || !Number.isFinite(reported)) return "none";
  if (Math.abs(reported - truth) <= periodTolerance(truth, logEvery)) return "ok";
  for (let m = 2; m <= 10; m++) {
    if (Math.abs(reported - m * truth) <= periodTolerance(m * truth, logEvery)) return `${m}P`;
    if (Math.abs(reported - truth / m) <= periodTolerance(truth / m, logEvery)) return `P/${m}`;
  }
  return "wrong";
}

/** What an analyzer said about a case, reduced to what is scored. */
export interface Answer {
  period: number | null;
  phase?: number | null;
  findings?: string[];
  aligned?: boolean | null;
  position?: string | null;
  error?: string;
}

/** The verdicts on one case (null: does not apply). */
export interface Verdict {
  period: string;
  periodOk: boolean;
  falsePeriod: boolean | null;
  phaseOk: boolean | null;
  findingsOk: boolean | null;
  forbiddenOk: boolean | null;
  missing: string[];
  forbiddenPresent: string[];
  alignOk: boolean | null;
  error?: string;
}

/** Judges one answer. Answers without `findings` (the peers) get null finding verdicts. */
export function judge(kase: Case, answer: Answer): Verdict {
  const truth = kase.truth;
  const k = kase.options.log_every ?? 1;
  const period = answer.error ? "error" : classifyPeriod(answer.period, truth.period, k);
  let phaseOk: boolean | null = null;
  if (truth.period !== null && truth.phase !== undefined && period === "ok") {
    if (answer.phase === null || answer.phase === undefined) phaseOk = false;
    else {
      const p = truth.period;
      const d = (((answer.phase - truth.phase) % p) + p) % p;
      phaseOk = Math.min(d, p - d) <= Math.max(2 * k, 0.02 * p, 2);
    }
  }
  let findingsOk: boolean | null = null;
  let forbiddenOk: boolean | null = null;
  const missing: string[] = [];
  const forbiddenPresent: string[] = [];
  if (answer.findings) {
    const ids = new Set(answer.findings);
    for (const want of truth.expected_findings) {
      if (!want.split("|").some((id) => ids.has(id))) missing.push(want);
    }
    for (const bad of truth.forbidden_findings ?? []) if (ids.has(bad)) forbiddenPresent.push(bad);
    findingsOk = truth.expected_findings.length ? missing.length === 0 : null;
    forbiddenOk = forbiddenPresent.length === 0;
  }
  let alignOk: boolean | null = null;
  if (truth.epoch_aligned !== undefined && answer.findings) {
    alignOk = answer.aligned === truth.epoch_aligned &&
      (truth.epoch_position === undefined ||
        truth.epoch_position.includes((answer.position ?? "") as never));
  }
  return {
    period,
    periodOk: period === "ok",
    falsePeriod: truth.period === null ? period === "false-period" : null,
    phaseOk,
    findingsOk: answer.error ? false : findingsOk,
    forbiddenOk,
    missing,
    forbiddenPresent,
    alignOk,
    error: answer.error,
  };
}

/** Totals over a set of verdicts. */
export interface Tally {
  cases: number;
  periodic: number;
  periodOk: number;
  aperiodic: number;
  falsePeriods: number;
  withExpected: number;
  findingsOk: number;
  withForbidden: number;
  forbiddenOk: number;
  phaseScored: number;
  phaseOk: number;
  alignScored: number;
  alignOk: number;
  errors: number;
  ms: number[];
}

/** An empty tally. */
export function emptyTally(): Tally {
  return {
    cases: 0,
    periodic: 0,
    periodOk: 0,
    aperiodic: 0,
    falsePeriods: 0,
    withExpected: 0,
    findingsOk: 0,
    withForbidden: 0,
    forbiddenOk: 0,
    phaseScored: 0,
    phaseOk: 0,
    alignScored: 0,
    alignOk: 0,
    errors: 0,
    ms: [],
  };
}

/** Adds one verdict (and the time the answer took) to a tally. */
export function count(tally: Tally, kase: Case, verdict: Verdict, ms: number): void {
  tally.cases++;
  tally.ms.push(ms);
  if (verdict.error) tally.errors++;
  if (kase.truth.period !== null) {
    tally.periodic++;
    if (verdict.periodOk) tally.periodOk++;
  } else {
    tally.aperiodic++;
    if (verdict.falsePeriod) tally.falsePeriods++;
  }
  if (verdict.findingsOk !== null) {
    tally.withExpected++;
    if (verdict.findingsOk) tally.findingsOk++;
  }
  if (verdict.forbiddenOk !== null && (kase.truth.forbidden_findings?.length ?? 0) > 0) {
    tally.withForbidden++;
    if (verdict.forbiddenOk) tally.forbiddenOk++;
  }
  if (verdict.phaseOk !== null) {
    tally.phaseScored++;
    if (verdict.phaseOk) tally.phaseOk++;
  }
  if (verdict.alignOk !== null) {
    tally.alignScored++;
    if (verdict.alignOk) tally.alignOk++;
  }
}

/** "93.1 % (27/29)", or "–" when nothing was scored. */
export function percent(hit: number, total: number): string {
  return total === 0 ? "–" : `${(100 * hit / total).toFixed(1)} % (${hit}/${total})`;
}

/** Whether a case failed any scored rule. */
export function failed(verdict: Verdict): boolean {
  return !!verdict.error || verdict.period !== "ok" || verdict.findingsOk === false ||
    verdict.forbiddenOk === false;
}

import type { Period } from "../period/mod.ts";
import type { Periodicity } from "./types.ts";

/**
 * The period as the answer states it: in steps, rounded, with a confidence and the evidence of
 * the test that established it.
 *
 * Why: the search works in logged points and natural-log p-values; a person reads "a spike
 * every 157 steps: 10 of 10 cycles hold one at the same phase (p < 1e-12 …)". A period within
 * 5 % of a stride of a whole number is that number; a phase that rounds to the cycle is 0.
 *
 * Cost: O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { periodicityOf } from "./periodicity.ts";
 * const none = periodicityOf(null, null, null, null, "autocorrelation proposals", 1);
 * assertEquals([none.period, none.confidence, none.kind], [null, 0, null]);
 * assertEquals(none.evidence.startsWith("no period passed the fold tests"), true);
 * ```
 */
export function periodicityOf(
  found: Period | null,
  period: number | null,
  phase: number | null,
  cycle: number | null,
  method: string,
  stride: number,
): Periodicity {
  if (!found || period === null) {
    return {
      period: null,
      phase: null,
      confidence: 0,
      method,
      kind: null,
      cycles: null,
      evidence: "no period passed the fold tests: no phase holds a spike in most cycles, " +
        "and no repeating profile explains the variance",
    };
  }
  return {
    period: roundTo(period, stride),
    // Rounded within the cycle: a phase of 125.9 in a period of 126 is 0, not 126.
    phase: phase === null ? null : Math.round(phase) >= cycle! - 0.5 ? 0 : Math.round(phase),
    confidence: Math.max(0, Math.min(1, found.strength * (1 - Math.exp(found.logP)))),
    method,
    kind: found.kind,
    cycles: found.cycles,
    evidence: periodEvidence(found, period, stride),
  };
}

function periodEvidence(found: Period, period: number, stride: number): string {
  const points = stride === 1
    ? ""
    : ` (${found.period.toFixed(2)} logged points of ${stride} steps)`;
  if (found.kind === "shape") {
    return `a profile repeating every ${fmt(period)} steps${points} explains ` +
      `${(100 * found.strength).toFixed(0)} % of the variance around the trend ` +
      `over ${found.cycles} cycles`;
  }
  const what = found.kind === "spikes-up" ? "spike" : "dip";
  return `a ${what} every ${fmt(period)} steps${points}: ${found.hits} of ${found.cycles} ` +
    `cycles hold one at the same phase (p < ${
      Math.max(Math.exp(found.logP), 1e-300).toExponential(1)
    } ` +
    `after correcting for ${found.proposals} trial periods and every phase)`;
}

function roundTo(period: number, stride: number): number {
  return stride >= 1 && Math.abs(period - Math.round(period)) < 0.05 * stride
    ? Math.round(period)
    : Number(period.toFixed(2));
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

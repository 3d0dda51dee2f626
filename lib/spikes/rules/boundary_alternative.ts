/**
 * The other reading of a boundary period: when each logged point averages several steps, the
 * last step of an epoch and the first of the next fall in one point, and the cause the
 * alignment ranks second is named too, as information.
 *
 * @example
 * ```ts
 * boundaryRole(evidence, "first-step"); // "alternative" when the last step is the likelier
 * asAlternative(evidence, finding).title; // "Or: the loss spikes at the first step …"
 * ```
 */
import type { Finding } from "../../findings/mod.ts";
import type { Evidence } from "./evidence.ts";

/** `finding` as the less likely reading ("Or: …", severity info). */
export function asAlternative(e: Evidence, finding: Finding): Finding {
  return {
    ...finding,
    severity: "info",
    title: `Or: ${finding.title[0].toLowerCase()}${finding.title.slice(1)}`,
    evidence: `each logged point averages ${
      e.options.logEvery ?? "several"
    } steps, so the last step of an epoch and the first of the next fall in the same point; ${finding.evidence}`,
  };
}

/** Whether the reading puts the period at `position`, first or as the alternative. */
export function boundaryRole(
  e: Evidence,
  position: "last-step" | "first-step",
): "primary" | "alternative" | null {
  if (!e.reading) return null;
  if (e.reading.cause === position) return "primary";
  const boundary = e.reading.cause === "last-step" || e.reading.cause === "first-step";
  return boundary && e.reading.alternative === position ? "alternative" : null;
}

import type { Finding } from "../../findings/mod.ts";
import type { Evidence } from "./evidence.ts";

/**
 * `finding` as the less likely reading ("Or: …", severity info).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../../findings/mod.ts";
 * import type { Evidence } from "./evidence.ts";
 * import { asAlternative } from "./boundary_alternative.ts";
 * const finding: Finding = {
 *   id: "epoch-start-spike", severity: "warning", title: "The loss spikes at the first step",
 *   evidence: "3× in 10 of 10 epochs", remedies: [],
 * };
 * const alternative = asAlternative({ options: { logEvery: 50 } } as Evidence, finding);
 * assertEquals([alternative.severity, alternative.title], [
 *   "info", "Or: the loss spikes at the first step",
 * ]);
 * assertEquals(alternative.evidence.startsWith("each logged point averages 50 steps"), true);
 * ```
 */
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

/**
 * The other reading of a boundary period: when each logged point averages several steps, the
 * last step of an epoch and the first of the next fall in one point, and the cause the
 * alignment ranks second is named too, as information.
 *
 * Whether the reading puts the period at `position`, first (`primary`) or as the alternative.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { evidenceOf } from "../analyze_spikes.ts";
 * import { excursions } from "../excursions.ts";
 * import { findSpikePeriod } from "../find_spike_period.ts";
 * import { listSpikes } from "../list_spikes.ts";
 * import { locate } from "../locate.ts";
 * import { prepare } from "../prepare.ts";
 * import { stepAxis } from "../step_axis.ts";
 * import { boundaryRole } from "./boundary_alternative.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples, batches of 32), 4× at the last step of each
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(boundaryRole(evidence, "last-step"), "primary");
 * assertEquals(boundaryRole(evidence, "first-step"), null); // one point per step: no ambiguity
 * ```
 */
export function boundaryRole(
  e: Evidence,
  position: "last-step" | "first-step",
): "primary" | "alternative" | null {
  if (!e.reading) return null;
  if (e.reading.cause === position) return "primary";
  const boundary = e.reading.cause === "last-step" || e.reading.cause === "first-step";
  return boundary && e.reading.alternative === position ? "alternative" : null;
}

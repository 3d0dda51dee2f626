import { EXPLAIN } from "../tuning.ts";
import type { Finding } from "../../findings/mod.ts";
import { scheduledEvidence } from "../schedule_events.ts";
import type { Evidence, Rule } from "./evidence.ts";
import { fmt } from "./format.ts";
import { CLIP } from "./remedies.ts";

/**
 * `isolated-spikes`: spikes that follow no period (a warning from 3× the loss before them,
 * information below); those on a learning-rate schedule event (`../schedule_events.ts`) are
 * named as the schedule's, and alone they are information.
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
 * import { isolatedSpikes } from "./isolated_spikes.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // two 5× spikes, at steps 400 and 700
 * const loss = Float64Array.from(
 *   { length: 1000 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i === 400 || i === 700 ? 5 : 1),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(isolatedSpikes.explain(evidence)?.id, "isolated-spikes");
 * assertEquals(evidence.isolated.map((s) => s.step), [400, 700]);
 * ```
 */
export const isolatedSpikes: Rule = {
  id: "isolated-spikes",
  explain(e) {
    if (e.isolated.length === 0) return e.scheduled.length > 0 ? scheduledSpikes(e) : null;
    const top = [...e.isolated].sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 5);
    const largest = top[0];
    const large = Math.abs(Math.log(Math.abs(largest.ratio))) >= Math.log(EXPLAIN.isolatedWarning);
    return {
      id: "isolated-spikes",
      severity: large ? "warning" : "info",
      title: `${e.isolated.length} spike${e.isolated.length > 1 ? "s" : ""} with no period`,
      evidence: `largest at step ${largest.step}: ${fmt(largest.value)} vs ${
        fmt(largest.baseline)
      } before it (${fmt(largest.ratio)}×, z = ${largest.z.toFixed(1)}); others at steps ${
        top.slice(1).map((s) => s.step).join(", ") || "—"
      }. They follow no period, so no data-loader cause fits: look at what happened at those steps.${
        e.scheduled.length > 0
          ? ` Others are explained by the learning-rate schedule: ${
            scheduledEvidence(e.scheduled)
          }.`
          : ""
      }`,
      remedies: [
        "Check what changed at those steps: a learning-rate schedule jump or restart, a resumed checkpoint, an unusual batch (log the batch ids of the spiking steps and inspect them).",
        CLIP,
        "If spikes come from rare bad samples, filter them, or lower the learning rate / raise Adam's eps (1e-8 → 1e-6) when the second moment is tiny.",
      ],
    };
  },
};

/** Spikes that all sit on schedule events: explained, so information only. */
function scheduledSpikes(e: Evidence): Finding {
  const n = e.scheduled.length;
  return {
    id: "isolated-spikes",
    severity: "info",
    title: `${n} spike${n > 1 ? "s" : ""} at learning-rate schedule events`,
    evidence: `${
      scheduledEvidence(e.scheduled)
    }. A loss that jumps when the learning rate does, and comes back, is the schedule at work.`,
    remedies: [
      "If the jump is too large: a longer warm-up, a lower peak or restart learning rate (`eta_max`, `T_mult`), or a gentler decay.",
      CLIP,
    ],
  };
}

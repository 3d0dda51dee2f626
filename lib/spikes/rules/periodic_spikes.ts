import type { Rule } from "./evidence.ts";
import { CLIP, DROP_LAST } from "./remedies.ts";

/**
 * `periodic-spikes`: the loss spikes, dips or repeats a shape at a period that is not an epoch
 * boundary cause: something scheduled (warning).
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
 * import { periodicSpikes } from "./periodic_spikes.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a 4× spike every 100 steps, no epoch length given
 * const loss = Float64Array.from(
 *   { length: 3000 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 100 === 37 ? 4 : 1),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const finding = periodicSpikes.explain(evidence);
 * assertEquals([finding?.id, finding?.title.includes("100 steps")], ["periodic-spikes", true]);
 * ```
 */
export const periodicSpikes: Rule = {
  id: "periodic-spikes",
  explain(e) {
    if (e.reading?.cause !== "schedule") return null;
    const { layout, options } = e;
    const period = e.periodicity.period;
    const kind = e.found!.kind === "spikes-up"
      ? "spikes"
      : e.found!.kind === "spikes-down"
      ? "dips"
      : "repeats a shape";
    const causes = layout
      ? `It is not the epoch (${layout.stepsPerEpoch} steps${
        e.alignment?.aligned ? ", but the spikes fall mid-epoch" : ""
      }): look for something scheduled every ${period} steps — LR warm restarts (CosineAnnealingWarmRestarts T_0), evaluation or checkpointing every ${period} steps (a forgotten model.train(), a synced barrier), a data shard or file boundary, a logging or gradient-accumulation window.`
      : `If an epoch is ${period} steps (dataset size ≈ ${period} × batch size), the spikes are the last (partial) batch or the first batch of each epoch: send steps_per_epoch, or dataset_size and batch_size, to tell. Otherwise look for something scheduled every ${period} steps — LR warm restarts, evaluation or checkpointing, a data shard boundary.`;
    return {
      id: "periodic-spikes",
      severity: "warning",
      title: `The loss ${kind} every ${period} steps`,
      evidence: `${e.periodicity.evidence}; phase ${e.periodicity.phase}. ${causes}` +
        (options.logEvery && options.logEvery > 1
          ? ` (points are means of ${options.logEvery} steps)`
          : ""),
      remedies: [
        "Line the period up with your schedule: print the step numbers of evaluation, checkpointing, LR restarts and shard changes next to the spiking steps.",
        DROP_LAST,
        CLIP,
      ],
    };
  },
};

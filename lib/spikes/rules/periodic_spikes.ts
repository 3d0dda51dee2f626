/**
 * `periodic-spikes`: the loss spikes, dips or repeats a shape at a period that is not an epoch
 * boundary cause: something scheduled (warning).
 *
 * @example
 * ```ts
 * periodicSpikes.explain(evidence)?.title; // "The loss spikes every 1000 steps"
 * ```
 */
import type { Rule } from "./evidence.ts";
import { CLIP, DROP_LAST } from "./remedies.ts";

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

import type { Finding } from "../../findings/mod.ts";
import { asAlternative, boundaryRole } from "./boundary_alternative.ts";
import type { Evidence, Rule } from "./evidence.ts";
import { fmt } from "./format.ts";

/**
 * `epoch-start-spike`: the loss spikes (or dips) at the first step of every epoch: something
 * is reset or re-created when an epoch begins (warning; as information when the last batch is
 * the likelier reading of a logged point that holds both).
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
 * import { epochStartSpike } from "./epoch_start_spike.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps, 3× at the first step of each but the first
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i > 0 && i % 157 === 0 ? 3 : 1),
 * );
 * const prepared = prepare(loss, { stepsPerEpoch: 157 }, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(epochStartSpike.explain(evidence)?.id, "epoch-start-spike");
 * ```
 */
export const epochStartSpike: Rule = {
  id: "epoch-start-spike",
  explain(e) {
    const role = boundaryRole(e, "first-step");
    if (!role) return null;
    const finding = epochStartFinding(e, e.found!.kind === "spikes-up");
    return role === "primary" ? finding : asAlternative(e, finding);
  },
};

function epochStartFinding(e: Evidence, up: boolean): Finding {
  const first = e.first;
  const measured = first?.median != null
    ? ` The loss at the first step is ${
      fmt(first.median)
    }× the 10 steps before it, over ${first.epochs} epochs.`
    : "";
  return {
    id: "epoch-start-spike",
    severity: "warning",
    title: `The loss ${up ? "spikes" : "dips"} at the first step of every epoch`,
    evidence:
      `period ${e.periodicity.period} steps = the epoch, phase ${e.periodicity.phase} (the first step).${measured} Something is reset or re-created when an epoch begins.`,
    remedies: [
      "Create the optimizer and the LR scheduler once, before the epoch loop (re-creating Adam zeroes its moments: the first step is then a full-size sign step).",
      "Call `model.train()` after each evaluation (dropout and batch-norm left in eval mode change the loss), and make sure evaluation runs under `torch.no_grad()`.",
      "Do not restart warm-up or a per-epoch schedule unless intended; check `scheduler.step()` is per step or per epoch as the scheduler expects.",
      "With `persistent_workers=False`, each epoch re-creates the workers: make sure augmentation and random seeds do not reset to the same state.",
    ],
  };
}

import { EXPLAIN } from "../tuning.ts";
import type { Evidence, Rule } from "./evidence.ts";
import { epochText } from "./epoch_text.ts";
import { fmt } from "./format.ts";

/**
 * `epoch-average-logging`: the logged loss is a running mean that restarts every epoch (Keras's
 * progress bar, torchvision's `global_avg`): its jumps are an artefact of logging.
 *
 * Why: the j-th point since the restart averages j batches, so the change between consecutive
 * points falls as 1/j; a per-step loss does not decay so (`running_mean_signature.ts`). A
 * warning when the restarts move the logged value by a tenth of the loss or more: the curve
 * shown then hides the real one; information otherwise.
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
 * import { epochAverageLogging } from "./epoch_average_logging.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // the loss logged as the running mean of each 200-step epoch (Keras' progress bar)
 * const loss = new Float64Array(2000);
 * for (let i = 0, sum = 0; i < 2000; i++) {
 *   if (i % 200 === 0) sum = 0;
 *   sum += (1 + Math.exp(-i / 800)) * (1 + 0.3 * noise());
 *   loss[i] = sum / ((i % 200) + 1);
 * }
 * const prepared = prepare(loss, { stepsPerEpoch: 200 }, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const finding = epochAverageLogging.explain(evidence);
 * assertEquals([finding?.id, finding?.severity], ["epoch-average-logging", "info"]);
 * ```
 */
export const epochAverageLogging: Rule = {
  id: "epoch-average-logging",
  explain(e) {
    if (e.reading?.cause !== "running-mean") return null;
    const hides = hidesCurve(e);
    return {
      id: "epoch-average-logging",
      severity: hides ? "warning" : "info",
      title: "The logged loss is a running mean that restarts every epoch",
      evidence: `a saw-tooth every ${e.periodicity.period} steps ${
        epochText(e)
      }, restarting at phase ${e.periodicity.phase}; ${
        mechanism(e)
      }. The jumps are an artefact of logging, not of training${
        hides
          ? `, and they hide the real curve: each restart moves the logged value by ${
            restartText(e)
          } on average, so the curve shown lags the loss by as much within each epoch`
          : ""
      }.`,
      remedies: [
        "Log the loss of each step (`loss.item()` per batch) instead of the mean since the epoch began; Keras: a `Callback.on_train_batch_end` that records `logs['loss']` is already that running mean — log per-batch values with a custom metric or `model.train_on_batch`.",
        "If a smooth curve is wanted, use an exponential moving average that does not restart at epoch boundaries.",
      ],
    };
  },
};

/**
 * How the values show they are running means: the 1/j decay of their changes when it is seen;
 * else, when the epoch's few points hold no decay to fold, the likelihood of the values undone
 * as running means against read as per-step losses (`../running_mean_likelihood.ts`).
 */
function mechanism(e: Evidence): string {
  const slope = e.signature?.slope ?? 0;
  const undone = e.undone;
  if (e.signature?.decays || !undone || !(undone.logRatio > 0)) {
    return `the change between consecutive points falls as j^${
      slope.toFixed(2)
    } with the j-th point since the restart, as a mean over j batches does (per-step losses do not decay so)`;
  }
  return `undone as running means (the mean of the batches between two logged points j₁ < j₂ is (j₂·m₂ − j₁·m₁)/(j₂ − j₁)), the values are a loss curve with no restarts, e^${
    fmt(undone.logRatio)
  } times likelier than read as per-step losses over ${undone.differences} changes in ${undone.epochs} epochs`;
}

/**
 * Whether the restarts are large enough to hide the real curve: the logged value moves by
 * `EXPLAIN.hiddenCurve` of the loss or more at a restart (in ln(loss); for a loss that is not
 * positive, that share of its typical level).
 */
function hidesCurve(e: Evidence): boolean {
  const size = e.signature?.restartSize ?? 0;
  return e.scale === "log"
    ? size >= Math.log(1 + EXPLAIN.hiddenCurve)
    : size >= EXPLAIN.hiddenCurve * e.typicalLevel;
}

function restartText(e: Evidence): string {
  const size = e.signature?.restartSize ?? 0;
  return e.scale === "log" ? `${fmt(100 * (Math.exp(size) - 1))} %` : fmt(size);
}

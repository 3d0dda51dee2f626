/**
 * The differential diagnosis of a loss curve's spikes: which cause fits, and what to change.
 *
 * Why: the same period has different causes and different fixes. A spike at the last step of
 * every epoch is the last, partial mini-batch of a loss whose magnitude depends on the batch
 * size (the Keras SSD report: loss divided by the positives, then again by the batch size); a
 * dip there is a summed loss; a spike at the first step is something re-created every epoch; a
 * saw-tooth whose noise shrinks within the epoch is the running mean that Keras logs; a whole
 * profile repeating is unshuffled data; another period is a schedule (warm restarts, eval,
 * checkpoints, shards). Each finding states the numbers it rests on and the concrete change.
 *
 * Cost: O(1) beyond its inputs.
 */
import { explainMeasuredRatio, type MeasuredRatioExplanation } from "../batch/mod.ts";
import type { Finding } from "../findings/mod.ts";
import type { Period } from "../period/mod.ts";
import type { BoundaryRatios } from "./boundary_ratios.ts";
import type { SpikeEpoch } from "./epoch_layout.ts";
import type { RisingTrend } from "./rising_trend.ts";
import type { RunningMeanSignature } from "./running_mean_signature.ts";
import { type Overfitting, overfittingFinding } from "./overfitting.ts";
import { scheduledEvidence, type ScheduledSpike } from "./schedule_events.ts";
import type { EpochAlignment, Periodicity, Spike, SpikeOptions } from "./types.ts";

/** Everything the diagnosis looks at. */
export interface SpikeContext {
  n: number;
  options: SpikeOptions;
  layout: SpikeEpoch | null;
  periodicity: Periodicity;
  found: Period | null;
  alignment: EpochAlignment | null;
  last: BoundaryRatios | null;
  first: BoundaryRatios | null;
  signature: RunningMeanSignature | null;
  /** The last-batch model's reading of the measured ratio (null without dataset and batch size). */
  explanation: MeasuredRatioExplanation | null;
  isolated: Spike[];
  /** Spikes that sit on a learning-rate schedule event (explained, not isolated). */
  scheduled?: ScheduledSpike[];
  /** The eval loss rising while the training loss falls, when an eval series was given. */
  overfitting?: Overfitting | null;
  nonFinite: { count: number; first_step: number | null };
  rising: RisingTrend | null;
  stepOf: (index: number) => number;
}

const DROP_LAST =
  "PyTorch: `DataLoader(dataset, batch_size=B, shuffle=True, drop_last=True)` (Hugging Face Trainer: `dataloader_drop_last=True`; tf.data: `dataset.batch(B, drop_remainder=True)`) — the partial batch disappears.";
const BATCH_FREE_LOSS =
  "Make the loss magnitude independent of the batch size: reduce per-sample losses with a mean over samples only once (Keras already divides by the batch size: multiply a loss that normalises itself by the batch size back, as the SSD fix did), or divide a summed loss by a global constant count (e.g. the mean number of items per full batch) instead of the batch's own.";
const CLIP =
  "As a safety net, clip the gradient norm: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)` before `optimizer.step()` (Keras: `clipnorm=1.0`), or skip steps whose loss z-score exceeds a threshold (ZClip, OLMo).";

export function spikeFindings(ctx: SpikeContext): Finding[] {
  const findings: Finding[] = [];
  const { periodicity, found, alignment } = ctx;
  const period = periodicity.period;

  if (ctx.nonFinite.count > 0) {
    findings.push({
      id: "non-finite-loss",
      severity: "critical",
      title: "The loss is NaN or infinite",
      evidence:
        `${ctx.nonFinite.count} of ${ctx.n} points are not finite; the first at step ${ctx.nonFinite.first_step}. They are left out of every statistic here.`,
      remedies: [
        "Find the first non-finite operation: `torch.autograd.set_detect_anomaly(True)` for a few steps, and log the max |activation|, |logit| and gradient norm per step.",
        "Under fp16 autocast keep `torch.cuda.amp.GradScaler` (it skips steps with inf gradients) or train in bf16; compute losses (softmax, log, exp) in fp32.",
        "Lower the learning rate or add warm-up, and clip the gradient norm (`clip_grad_norm_`).",
        "Check the data for NaN/inf inputs and labels, and guard divisions and logs (`log(x + eps)`, `clamp_min`).",
      ],
    });
  }

  if (found && period !== null) {
    const aligned = alignment?.aligned ?? false;
    const position = alignment?.position ?? "other";
    // A running mean restarting drops (or jumps either way) at the restart; an upward spike
    // train with a long momentum tail can decay alike, so the signature is only computed for
    // spikes whose sign changes between epochs (see analyze_spikes.ts).
    // The rest of a spike's cycle repeats too: a rough rest is the data order; so is any rest
    // that repeats with the epoch when the spike is not at an epoch boundary.
    const boundary = position === "last-step" || position === "first-step";
    const wholeEpoch = found.smoothness !== null &&
      (found.smoothness < 0.5 || (aligned && !boundary));
    if (
      found.kind === "shape" || wholeEpoch ||
      ctx.signature?.runningMean
    ) {
      findings.push(shapeFinding(ctx, period, aligned));
    } else if (aligned && (position === "last-step" || position === "first-step")) {
      const up = found.kind === "spikes-up";
      const last = () => lastBatchFinding(ctx, up), start = () => epochStartFinding(ctx, up);
      findings.push(position === "last-step" ? last() : start());
      if (alignment?.alternative) {
        // One logged point holds both boundaries: name the other cause too, as less likely.
        const other = alignment.alternative === "last-step" ? last() : start();
        findings.push({
          ...other,
          severity: "info",
          title: `Or: ${other.title[0].toLowerCase()}${other.title.slice(1)}`,
          evidence: `each logged point averages ${
            ctx.options.logEvery ?? "several"
          } steps, so the last step of an epoch and the first of the next fall in the same point; ${other.evidence}`,
        });
      }
    } else {
      findings.push(otherPeriodFinding(ctx, period));
    }
  }

  if (ctx.isolated.length > 0) {
    const top = [...ctx.isolated].sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 5);
    const largest = top[0];
    findings.push({
      id: "isolated-spikes",
      severity: Math.abs(Math.log(Math.abs(largest.ratio))) >= Math.log(3) ? "warning" : "info",
      title: `${ctx.isolated.length} spike${ctx.isolated.length > 1 ? "s" : ""} with no period`,
      evidence: `largest at step ${largest.step}: ${fmt(largest.value)} vs ${
        fmt(largest.baseline)
      } before it (${fmt(largest.ratio)}×, z = ${largest.z.toFixed(1)}); others at steps ${
        top.slice(1).map((s) => s.step).join(", ") || "—"
      }. They follow no period, so no data-loader cause fits: look at what happened at those steps.${
        ctx.scheduled?.length
          ? ` Others are explained by the learning-rate schedule: ${
            scheduledEvidence(ctx.scheduled)
          }.`
          : ""
      }`,
      remedies: [
        "Check what changed at those steps: a learning-rate schedule jump or restart, a resumed checkpoint, an unusual batch (log the batch ids of the spiking steps and inspect them).",
        CLIP,
        "If spikes come from rare bad samples, filter them, or lower the learning rate / raise Adam's eps (1e-8 → 1e-6) when the second moment is tiny.",
      ],
    });
  }

  if (ctx.isolated.length === 0 && ctx.scheduled?.length) {
    findings.push(scheduledSpikesFinding(ctx.scheduled));
  }
  if (ctx.overfitting) findings.push(overfittingFinding(ctx.overfitting));

  if (ctx.rising?.rising) {
    const r = ctx.rising;
    findings.push({
      id: "rising-loss",
      severity: r.factor >= 3 ? "critical" : "warning",
      title: "The loss is rising",
      evidence: `the last tenth of the run sits at ${fmt(r.final)}, ${
        fmt(r.factor)
      }× the lowest level ${fmt(r.lowest)} (around step ${ctx.stepOf(r.lowestAt)}).`,
      remedies: [
        "Lower the learning rate (or lengthen warm-up); with Adam, try a smaller beta2 (0.95) or larger eps.",
        "Clip the gradient norm (`clip_grad_norm_`) and log it: a growing norm precedes divergence.",
        "For a contrastive loss: L2-normalise the embeddings (`F.normalize`) and check the temperature — norms that grow make the logits grow (POST /v1/contrastive).",
        "Check for a train/eval mode mix-up and for data that changes over the run (a curriculum, a new shard).",
      ],
    });
  }
  return findings;
}

/** Spikes that all sit on schedule events: explained, so information only. */
function scheduledSpikesFinding(scheduled: ScheduledSpike[]): Finding {
  const n = scheduled.length;
  return {
    id: "isolated-spikes",
    severity: "info",
    title: `${n} spike${n > 1 ? "s" : ""} at learning-rate schedule events`,
    evidence: `${
      scheduledEvidence(scheduled)
    }. A loss that jumps when the learning rate does, and comes back, is the schedule at work.`,
    remedies: [
      "If the jump is too large: a longer warm-up, a lower peak or restart learning rate (`eta_max`, `T_mult`), or a gentler decay.",
      CLIP,
    ],
  };
}

function lastBatchFinding(ctx: SpikeContext, up: boolean): Finding {
  const { layout, last } = ctx;
  const steps = layout!.stepsPerEpoch;
  const ratio = last?.median ?? null;
  const range = last && last.min !== null ? ` (${fmt(last.min)}–${fmt(last.max!)})` : "";
  const batch = layout!.lastBatchSize !== null && layout!.batchSize !== null
    ? ` The last batch holds ${layout!.lastBatchSize} of ${layout!.batchSize} samples (B/r = ${
      fmt(layout!.batchSize / layout!.lastBatchSize)
    }).`
    : "";
  const dropped = ctx.options.dropLast
    ? " drop_last is already set, so the last batch is full: look for what else is special about the end of the epoch (data sorted by length or class, a sampler that pads)."
    : "";
  const measured = ratio !== null
    ? `the loss at the last step of each epoch is ${
      fmt(ratio)
    }×${range} the median of the 10 steps before it, over ${last!.epochs} epochs`
    : "the spikes fall on the last step of every epoch";
  const explanation = ctx.explanation;
  const noise = explanation?.significance && !explanation.significance.significant
    ? ` The per-epoch ratios are not significantly away from 1 (t test on their logs, p = ${
      explanation.significance.p_value.toPrecision(2)
    }, over ${explanation.significance.epochs} epochs): no reduction is inferred from them.`
    : null;
  const inferred = noise !== null
    ? noise
    : explanation?.inferred_reduction
    ? ` The ratio points to the reduction \`${explanation.inferred_reduction}\` (loss ∝ b^(1−k), k = ${
      explanation.k!.toFixed(2)
    }): it predicts ${fmt(explanation.predicted_ratio!)}× against ${
      fmt(explanation.measured_ratio)
    }× measured.`
    : explanation && explanation.predicted_ratio === 1
    ? ` With a full last batch every reduction predicts 1×, so the reduction does not explain the ${
      fmt(explanation.measured_ratio)
    }× measured.`
    : explanation
    ? ` No named reduction predicts ${fmt(explanation.measured_ratio)}× (mean 1×, sum ${
      fmt(explanation.predicted_ratios.sum)
    }×, per-item-then-batch-mean ${fmt(explanation.predicted_ratios.per_item_then_batch_mean)}×).`
    : "";
  return {
    id: up ? "last-batch-spike" : "last-batch-dip",
    severity: "warning",
    title: up
      ? "The loss spikes at the last, partial batch of every epoch"
      : "The loss dips at the last, partial batch of every epoch",
    evidence:
      `period ${ctx.periodicity.period} steps = ${steps} steps per epoch, phase ${ctx.periodicity.phase}: ${measured}.${batch}${inferred}${dropped}` +
      (up
        ? " A loss that grows as the batch shrinks is normalised by something proportional to the batch and then divided by the batch size again; the momentum carries the oversized step into the following ones."
        : " A summed (not averaged) loss shrinks with the batch: the last batch's gradient is too small and the learning rate is effectively tied to the batch size."),
    remedies: up ? [DROP_LAST, BATCH_FREE_LOSS, CLIP] : [
      "Average instead of summing: `reduction='mean'` (or divide the summed loss by a constant, the full batch size), so the step size does not depend on the batch.",
      DROP_LAST,
    ],
  };
}

/**
 * Which reduction explains the measured last-batch ratio (the last-batch model run backwards),
 * when the data loader's arguments are known.
 */
export function explainLastBatch(
  options: SpikeOptions,
  last: BoundaryRatios | null,
): MeasuredRatioExplanation | null {
  const { datasetSize, batchSize, dropLast } = options;
  const ratio = last?.median;
  if (datasetSize === undefined || batchSize === undefined || !(ratio! > 0)) return null;
  return explainMeasuredRatio({
    datasetSize,
    batchSize,
    dropLast,
    measuredRatio: ratio!,
    epochRatios: last?.ratios,
  });
}

function epochStartFinding(ctx: SpikeContext, up: boolean): Finding {
  const first = ctx.first;
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
      `period ${ctx.periodicity.period} steps = the epoch, phase ${ctx.periodicity.phase} (the first step).${measured} Something is reset or re-created when an epoch begins.`,
    remedies: [
      "Create the optimizer and the LR scheduler once, before the epoch loop (re-creating Adam zeroes its moments: the first step is then a full-size sign step).",
      "Call `model.train()` after each evaluation (dropout and batch-norm left in eval mode change the loss), and make sure evaluation runs under `torch.no_grad()`.",
      "Do not restart warm-up or a per-epoch schedule unless intended; check `scheduler.step()` is per step or per epoch as the scheduler expects.",
      "With `persistent_workers=False`, each epoch re-creates the workers: make sure augmentation and random seeds do not reset to the same state.",
    ],
  };
}

function shapeFinding(ctx: SpikeContext, period: number, aligned: boolean): Finding {
  const epochText = aligned
    ? `= the epoch (${ctx.layout!.stepsPerEpoch} steps)`
    : ctx.layout
    ? `(the epoch is ${ctx.layout.stepsPerEpoch} steps)`
    : "(the epoch length was not given)";
  if (ctx.signature?.runningMean) {
    return {
      id: "epoch-average-logging",
      severity: "info",
      title: "The logged loss is a running mean that restarts every epoch",
      evidence:
        `a saw-tooth every ${period} steps ${epochText}, restarting at phase ${ctx.periodicity.phase}; the change between consecutive points falls as j^${
          ctx.signature.slope.toFixed(2)
        } with the j-th point since the restart, as a mean over j batches does (per-step losses do not decay so). The jumps are an artefact of logging, not of training.`,
      remedies: [
        "Log the loss of each step (`loss.item()` per batch) instead of the mean since the epoch began; Keras: a `Callback.on_train_batch_end` that records `logs['loss']` is already that running mean — log per-batch values with a custom metric or `model.train_on_batch`.",
        "If a smooth curve is wanted, use an exponential moving average that does not restart at epoch boundaries.",
      ],
    };
  }
  // Unshuffled data repeats with the epoch: a known epoch that is not the period rules it out.
  // With no epoch given, a train of jumps (shard boundaries, a schedule's steps) or a smooth
  // profile (warm restarts) is a schedule; a rough profile, the data order.
  if (ctx.layout && !aligned) return otherPeriodFinding(ctx, period);
  const jumps = ctx.found?.kind === "shape" && ctx.found.matched.length > 0;
  if (!aligned && (jumps || (ctx.found?.smoothness ?? 0) >= 0.5)) {
    return otherPeriodFinding(ctx, period);
  }
  return {
    id: "unshuffled-data",
    severity: "warning",
    title: "The whole loss profile repeats every epoch",
    evidence:
      `the loss around its trend follows the same step-to-step profile every ${period} steps ${epochText}: the batches come in the same order each epoch, so each step sees the same examples.`,
    remedies: [
      "Shuffle every epoch: `DataLoader(..., shuffle=True)` (or a `DistributedSampler` with `sampler.set_epoch(epoch)` before each epoch); tf.data: `.shuffle(buffer_size, reshuffle_each_iteration=True)` with a buffer as large as the dataset allows.",
      "If the data is sharded by class, source or length, interleave the shards.",
    ],
  };
}

function otherPeriodFinding(ctx: SpikeContext, period: number): Finding {
  const { layout, options } = ctx;
  const kind = ctx.found!.kind === "spikes-up"
    ? "spikes"
    : ctx.found!.kind === "spikes-down"
    ? "dips"
    : "repeats a shape";
  const causes = layout
    ? `It is not the epoch (${layout.stepsPerEpoch} steps${
      ctx.alignment?.aligned ? ", but the spikes fall mid-epoch" : ""
    }): look for something scheduled every ${period} steps — LR warm restarts (CosineAnnealingWarmRestarts T_0), evaluation or checkpointing every ${period} steps (a forgotten model.train(), a synced barrier), a data shard or file boundary, a logging or gradient-accumulation window.`
    : `If an epoch is ${period} steps (dataset size ≈ ${period} × batch size), the spikes are the last (partial) batch or the first batch of each epoch: send steps_per_epoch, or dataset_size and batch_size, to tell. Otherwise look for something scheduled every ${period} steps — LR warm restarts, evaluation or checkpointing, a data shard boundary.`;
  return {
    id: "periodic-spikes",
    severity: "warning",
    title: `The loss ${kind} every ${period} steps`,
    evidence: `${ctx.periodicity.evidence}; phase ${ctx.periodicity.phase}. ${causes}` +
      (options.logEvery && options.logEvery > 1
        ? ` (points are means of ${options.logEvery} steps)`
        : ""),
    remedies: [
      "Line the period up with your schedule: print the step numbers of evaluation, checkpointing, LR restarts and shard changes next to the spiking steps.",
      DROP_LAST,
      CLIP,
    ],
  };
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3)
    ? x.toExponential(2)
    : Number(x.toPrecision(3)).toString();
}

import { median } from "simple-statistics";
import type { SideSeries, Spike } from "./types.ts";

/** The tuning of the event detector, each with why. */
/**
 * The tuning of the schedule's events, each with why.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SCHEDULE } from "./schedule_events.ts";
 * assertEquals(SCHEDULE.outlier, 5);
 * ```
 */
export const SCHEDULE = {
  /** A jump is this many times the median change (a cosine's largest change is π/2 × its mean). */
  outlier: 5,
  /** …and this share of the rate (rounding and tiny schedules change it by far less). */
  relative: 0.2,
  /** Warm-up starts below this share of the peak (linear warm-up starts at 0 or near it). */
  warmupStart: 0.5,
  /** Share of the steps before the peak that must rise (a warm-up is monotone, give or take a log). */
  warmupRising: 0.8,
  /** Logging intervals after an event a spike may follow it (momentum carries a jump). */
  after: 3,
} as const;

/** What the schedule did at one step. */
export interface ScheduleEvent {
  /** What changed: warm-up ended, a warm restart, a jump up, a drop. */
  kind: "warmup-end" | "restart" | "jump-up" | "drop";
  /** The first step logged with the new rate, and the step logged before it. */
  step: number;
  /** The step logged before it. */
  previousStep: number;
  /** The rate before. */
  from: number;
  /** The rate after. */
  to: number;
}

/** A spike and the event it sits on. */
export interface ScheduledSpike {
  /** The spike. */
  spike: Spike;
  /** The schedule event it follows. */
  event: ScheduleEvent;
}

/**
 * The learning-rate schedule's events, and the spikes that sit on them.
 *
 * Why: a loss spike right after the learning rate jumps — the end of warm-up, a warm restart
 * (`CosineAnnealingWarmRestarts`), a step decay undone, a one-off change — has its cause in the
 * schedule, not in the data: it is explained, not an unexplained isolated spike. Events are read
 * from the learning-rate series itself:
 * - a **jump**: a change between consecutive logged values that is both large for the schedule
 *   (≥ 5× the median change: a smooth decay, linear or cosine, changes by about the same amount
 *   every step) and large for the rate (≥ 20 % of it); upward after a decline is a restart;
 * - the **end of warm-up**: the rate's maximum, reached by rising from below half of it over most
 *   of the steps before, and not rising after.
 * A spike sits on an event when it falls after the learning rate logged before the change and
 * within three logging intervals (momentum carries a jump a few steps) of the change.
 *
 * Cost: O(m log m) for m learning-rate points, O(s · e) to match s spikes to e events.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scheduleEvents } from "./schedule_events.ts";
 * // a constant rate with one step at 0.5: a jump up, then a drop back
 * const lr = {
 *   steps: Float64Array.from({ length: 12 }, (_, i) => i),
 *   values: Float64Array.from({ length: 12 }, (_, i) => i === 5 ? 0.5 : 0.02),
 * };
 * assertEquals(scheduleEvents(lr), [
 *   { kind: "jump-up", step: 5, previousStep: 4, from: 0.02, to: 0.5 },
 *   { kind: "drop", step: 6, previousStep: 5, from: 0.5, to: 0.02 },
 * ]);
 * // a linear warm-up to 1e-3 over 500 steps, then a cosine: the end of warm-up
 * const warm = {
 *   steps: Float64Array.from({ length: 20 }, (_, i) => 100 * i),
 *   values: Float64Array.from(
 *     { length: 20 },
 *     (_, i) => i <= 5 ? (1e-3 * i) / 5 : 1e-3 * Math.cos((Math.PI / 2) * (i - 5) / 15),
 *   ),
 * };
 * assertEquals(scheduleEvents(warm).map((e) => [e.kind, e.step]), [["warmup-end", 500]]);
 * ```
 */
export function scheduleEvents(lr: SideSeries | undefined): ScheduleEvent[] {
  if (!lr) return [];
  const steps: number[] = [], values: number[] = [];
  for (let i = 0; i < lr.values.length; i++) {
    if (!Number.isFinite(lr.values[i])) continue;
    steps.push(lr.steps[i]);
    values.push(lr.values[i]);
  }
  if (values.length < 3) return [];
  const changes = values.slice(1).map((v, i) => Math.abs(v - values[i]));
  const typical = median(changes);
  const events: ScheduleEvent[] = [];
  for (let i = 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    const jump = Math.abs(d) > SCHEDULE.outlier * typical &&
      Math.abs(d) >= SCHEDULE.relative * Math.max(values[i], values[i - 1]);
    if (!jump) continue;
    const declining = i >= 2 && values[i - 1] < values[Math.max(0, i - 3)];
    events.push({
      kind: d < 0 ? "drop" : declining ? "restart" : "jump-up",
      step: steps[i],
      previousStep: steps[i - 1],
      from: values[i - 1],
      to: values[i],
    });
  }
  const warmup = warmupEnd(steps, values);
  if (warmup && !events.some((e) => e.step === warmup.step)) events.push(warmup);
  return events.sort((a, b) => a.step - b.step);
}

/** The end of a warm-up: the peak reached by a rise from below half of it. */
function warmupEnd(steps: number[], values: number[]): ScheduleEvent | null {
  let peak = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[peak]) peak = i;
  if (peak < 2 || peak === values.length - 1) return null;
  if (!(values[0] < SCHEDULE.warmupStart * values[peak])) return null;
  let rising = 0;
  for (let i = 1; i <= peak; i++) if (values[i] > values[i - 1]) rising++;
  if (rising < SCHEDULE.warmupRising * peak || values[peak + 1] > values[peak]) return null;
  return {
    kind: "warmup-end",
    step: steps[peak],
    previousStep: steps[peak - 1],
    from: values[peak - 1],
    to: values[peak],
  };
}

/**
 * Splits spikes into those that sit on a schedule event and the rest; `interval` is the loss's
 * logging interval in steps.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scheduleEvents, spikesAtScheduleEvents } from "./schedule_events.ts";
 * const lr = {
 *   steps: Float64Array.from({ length: 12 }, (_, i) => i),
 *   values: Float64Array.from({ length: 12 }, (_, i) => i === 5 ? 0.5 : 0.02),
 * };
 * const spike = { step: 6, index: 6, value: 9, baseline: 1, ratio: 9, z: 12, direction: "up" as const };
 * const { scheduled, unexplained } = spikesAtScheduleEvents([spike], scheduleEvents(lr), 1);
 * assertEquals([scheduled[0].event.kind, unexplained], ["jump-up", []]); // a step after the jump
 * ```
 */
export function spikesAtScheduleEvents(
  spikes: readonly Spike[],
  events: readonly ScheduleEvent[],
  interval: number,
): { scheduled: ScheduledSpike[]; unexplained: Spike[] } {
  const scheduled: ScheduledSpike[] = [], unexplained: Spike[] = [];
  for (const spike of spikes) {
    const event = events.find((e) =>
      spike.step > e.previousStep &&
      spike.step <= e.step + SCHEDULE.after * Math.max(interval, e.step - e.previousStep)
    );
    if (event && spike.direction === "up") scheduled.push({ spike, event });
    else unexplained.push(spike);
  }
  return { scheduled, unexplained };
}

/**
 * One sentence per scheduled spike, for a finding's evidence.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scheduledEvidence, scheduleEvents, spikesAtScheduleEvents } from "./schedule_events.ts";
 * const lr = {
 *   steps: Float64Array.from({ length: 12 }, (_, i) => i),
 *   values: Float64Array.from({ length: 12 }, (_, i) => i === 5 ? 0.5 : 0.02),
 * };
 * const spike = { step: 6, index: 6, value: 9, baseline: 1, ratio: 9, z: 12, direction: "up" as const };
 * const { scheduled } = spikesAtScheduleEvents([spike], scheduleEvents(lr), 1);
 * assertEquals(scheduledEvidence(scheduled).includes("sits on a learning-rate jump"), true);
 * ```
 */
export function scheduledEvidence(scheduled: readonly ScheduledSpike[]): string {
  const what: Record<ScheduleEvent["kind"], string> = {
    "warmup-end": "the end of warm-up",
    restart: "a warm restart",
    "jump-up": "a learning-rate jump",
    drop: "a learning-rate drop",
  };
  return scheduled.slice(0, 5).map(({ spike, event }) =>
    `step ${spike.step} (${fmt(spike.ratio)}× the level before) sits on ${what[event.kind]}, ${
      fmt(event.from)
    } → ${fmt(event.to)} at step ${event.step}`
  ).join("; ") + (scheduled.length > 5 ? `; and ${scheduled.length - 5} more` : "");
}

function fmt(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3)
    ? x.toExponential(2)
    : Number(x.toPrecision(3)).toString();
}

/**
 * How the raw scores q·k become logits: divided by a temperature τ (SimCSE, MoCo, SimCLR) or
 * multiplied by a logit scale s = 1/τ (CLIP: `logit_scale.exp() * q @ k.T`, the scale clamped at 100,
 * i.e. the learnable log-scale at ln 100 ≈ 4.6052).
 *
 * The two are the same in exact arithmetic; in fp16 each is one rounded op on the half logits.
 */
import { type Format, round } from "../fp/mod.ts";

/** `logits = scores / temperature` or `logits = logit_scale * scores`. */
export type Scaling =
  | { kind: "temperature"; value: number }
  | { kind: "logit_scale"; value: number };

/** The factor the scores are multiplied by: 1/τ, or s. */
export function scaleFactor(scaling: Scaling): number {
  return scaling.kind === "temperature" ? 1 / scaling.value : scaling.value;
}

/** The equivalent temperature: τ, or 1/s. */
export function temperatureOf(scaling: Scaling): number {
  return scaling.kind === "temperature" ? scaling.value : 1 / scaling.value;
}

/** Applies the scaling to one score, rounded once to `format`. */
export function applyScaling(score: number, scaling: Scaling, format: Format): number {
  return round(
    scaling.kind === "temperature" ? score / scaling.value : score * scaling.value,
    format,
  );
}

/** Checks that the temperature or scale is a positive finite number. */
export function checkScaling(scaling: Scaling): Scaling {
  if (!(scaling.value > 0 && scaling.value < Infinity)) {
    throw new RangeError(`${scaling.kind} must be a positive number, found ${scaling.value}`);
  }
  return scaling;
}

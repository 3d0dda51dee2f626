/** Shared by the contrastive tests: the PyTorch fixture, a POST helper and the texts of an answer. */
import app from "../routes/app.ts";

/** The fixture of an un-normalised InfoNCE run that turns NaN at step 14 (τ = 0.05, fp16 logits). */
export const fixture = JSON.parse(
  await Deno.readTextFile(
    new URL("./fixtures/pytorch/contrastive_fp16.json", import.meta.url),
  ),
);

/** The fixture's logged series as trajectory points for steps 0..last. */
export function fixtureTrajectory(last: number, withLogits = true) {
  const s = fixture.series;
  return Array.from({ length: last + 1 }, (_, i) => ({
    step: i,
    q_norm: s.q_norm[i],
    k_norm: s.k_norm[i],
    ...(withLogits ? { max_logit: s.max_abs_logit_fp16[i] } : {}),
    loss: fixture.loss[i] ?? "NaN",
  }));
}

/** POSTs a JSON body to /v1/contrastive. */
export async function postContrastive(body: unknown, target = app) {
  const res = await target.request("/v1/contrastive", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, body: await res.json() };
}

/** A deterministic uniform random number generator in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** B random unit vectors of dimension dim. */
export function unitRows(B: number, dim: number, rand: () => number): number[][] {
  return Array.from({ length: B }, () => {
    const v = Array.from({ length: dim }, () => rand() - 0.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

/** Every string in an answer (or a part of it), depth first. */
export function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => texts(v, out));
  return out;
}

import type { Precision } from "./precision.ts";
import type { Scaling } from "./scaling.ts";
import { scaleWords } from "./scale_words.ts";

/**
 * The remedy that L2-normalises q and k, as PyTorch code to paste; the bound it gives is said in
 * the words of the scaling.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { normalizeRemedy } from "./remedies.ts";
 * const text = normalizeRemedy({ kind: "temperature", value: 0.05 });
 * assertStringIncludes(text, "`q = F.normalize(q, dim=-1)`");
 * assertStringIncludes(text, "|logit| ≤ 1/τ");
 * ```
 */
export function normalizeRemedy(scaling: Scaling): string {
  const bound = scaling.kind === "temperature"
    ? "1/τ"
    : scaling.kind === "logit_scale"
    ? "logit_scale"
    : "the scale";
  return "L2-normalise both sides before the similarity: `q = F.normalize(q, dim=-1)` and " +
    `\`k = F.normalize(k, dim=-1)\`; then |logit| ≤ ${bound} whatever the norms do (the ` +
    "cosine similarity of SimCLR, SimCSE and CLIP).";
}

/**
 * The remedy that computes logits and loss outside autocast, written with the input's scaling.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { fp32LogitsRemedy } from "./remedies.ts";
 * assertStringIncludes(
 *   fp32LogitsRemedy({ kind: "logit_scale", value: 20 }),
 *   "logits = logit_scale * (q.float() @ k.float().T)",
 * );
 * ```
 */
export function fp32LogitsRemedy(scaling: Scaling): string {
  const logits = scaling.kind === "temperature"
    ? "q.float() @ k.float().T / tau"
    : scaling.kind === "logit_scale"
    ? "logit_scale * (q.float() @ k.float().T)"
    : "logits.float()";
  return 'Compute the logits and the loss in fp32: `with torch.autocast(device_type="cuda", ' +
    `enabled=False): logits = ${logits}; loss = F.cross_entropy(logits, labels)\`.`;
}

/** The remedy for a hand-written softmax: the framework's max-shifted one. */
export const CROSS_ENTROPY: string =
  "Replace the hand-written softmax with `F.cross_entropy(logits, labels)` (or " +
  "`torch.logsumexp` / `F.log_softmax`): they subtract each row's max, so exp never exceeds 1. If it " +
  "must stay hand-written, subtract the max first: `logits = logits - logits.max(dim=-1, " +
  "keepdim=True).values.detach()`.";
/** The remedy that locates a NaN in a run: anomaly mode, and logging norms and scores. */
export const LOCATE: string =
  "To see it coming in your run: log `q.norm(dim=-1).mean()`, `k.norm(dim=-1).mean()` " +
  "and `logits.abs().max()` every step, and run a few steps under " +
  "`with torch.autograd.detect_anomaly():` to get the op that produced the first NaN.";

/**
 * The remedy that clamps a learnable scale as CLIP does (at 100 unless a smaller safe bound is
 * given), in the words of the scaling.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { clampRemedy } from "./remedies.ts";
 * assertStringIncludes(
 *   clampRemedy({ kind: "logit_scale", value: 20 }),
 *   "`model.logit_scale.data.clamp_(max=math.log(100))`",
 * );
 * assertStringIncludes(clampRemedy({ kind: "temperature", value: 0.05 }), "clamp_(min=0.01)");
 * ```
 */
export function clampRemedy(scaling: Scaling, maxScale = 100): string {
  const clamp = scaleWords(scaling).clamp(maxScale);
  const why = scaling.kind === "temperature"
    ? "CLIP bounds its scale at 100, i.e. τ ≥ 0.01, because larger scales destabilise training."
    : "CLIP bounds its scale at 100 because larger scales destabilise training.";
  return `${clamp[0].toUpperCase()}${clamp.slice(1)}. ${why}`;
}

/**
 * "fp16", "bf16" or "fp32": the format the logits of `precision` are written in.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { halfName } from "./remedies.ts";
 * assertEquals([halfName("bf16-autocast"), halfName("fp16"), halfName("fp32")], [
 *   "bf16", "fp16", "fp32",
 * ]);
 * ```
 */
export function halfName(precision: Precision): string {
  return precision.startsWith("bf16") ? "bf16" : precision.startsWith("fp16") ? "fp16" : "fp32";
}

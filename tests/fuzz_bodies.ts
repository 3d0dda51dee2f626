/**
 * Valid request bodies of every endpoint, drawn from the contract's ranges, for the fuzz tests
 * (`fuzz.ts`): constant, one-point and periodic loss series with non-finite values as the
 * service writes them, loader configurations up to Number.MAX_SAFE_INTEGER, contrastive set-ups
 * with small embeddings and trajectories, log-sum-exp vectors and matrices in every format.
 */
import fc from "fast-check";

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const extreme = fc.constantFrom(0, -0, 1e-320, -1e-320, 5e-324, 1e308, -1e308, 65504, 65520, 448);
const numberish = fc.oneof(
  { weight: 5, arbitrary: finite },
  { weight: 2, arbitrary: extreme },
  { weight: 1, arbitrary: fc.constantFrom("NaN", "Infinity", "-Infinity") },
);
const small = (max: number) => fc.integer({ min: 1, max });

/** A loss series: random, constant, one point, periodic with spikes, with non-finite values. */
export const lossSeries = fc.oneof(
  fc.array(fc.oneof(finite, fc.constant(null), fc.constantFrom("NaN", "Infinity")), {
    minLength: 1,
    maxLength: 300,
  }),
  fc.tuple(finite, small(400)).map(([v, n]) => Array.from({ length: n }, () => v)),
  finite.map((v) => [v]),
  fc.record({ n: fc.integer({ min: 30, max: 1500 }), period: fc.integer({ min: 2, max: 200 }) })
    .map(({ n, period }) =>
      Array.from({ length: n }, (_, i) => 2 + 0.1 * Math.sin(i * 1.7) + (i % period === 0 ? 5 : 0))
    ),
);

export const spikesBody = fc.record({
  loss: lossSeries,
  steps_per_epoch: small(500),
  log_every: small(20),
  dataset_size: small(100_000),
  batch_size: small(512),
  drop_last: fc.boolean(),
}, { requiredKeys: ["loss"] });

export const lastBatchBody = fc.record({
  dataset_size: fc.oneof(small(100_000), fc.constant(Number.MAX_SAFE_INTEGER)),
  batch_size: fc.oneof(small(1024), fc.constant(Number.MAX_SAFE_INTEGER)),
  drop_last: fc.boolean(),
  reduction: fc.constantFrom("mean", "sum", "fixed_divisor", "per_item_then_batch_mean"),
  world_size: small(64),
  sampler_drop_last: fc.boolean(),
  grad_accum_steps: small(64),
  items_per_micro_batch: fc.array(fc.double({ min: 0.5, max: 1e6, noNaN: true }), {
    minLength: 1,
    maxLength: 8,
  }),
  optimizer: fc.record({
    type: fc.constantFrom("sgd", "adam", "adamw"),
    momentum: fc.double({ min: 0, max: 0.99999, noNaN: true }),
    beta1: fc.double({ min: 0, max: 0.99999, noNaN: true }),
    beta2: fc.double({ min: 0, max: 0.99999, noNaN: true }),
  }, { requiredKeys: ["type"] }),
  grad_noise_scale: fc.double({ min: 0, max: 1e15, noNaN: true }),
}, { requiredKeys: ["dataset_size", "batch_size", "reduction"] });

const matrix = (rows: number, dim: number) =>
  fc.array(fc.array(fc.oneof(finite, extreme), { minLength: dim, maxLength: dim }), {
    minLength: rows,
    maxLength: rows,
  });

export const contrastiveBody = fc.record({
  scale: fc.oneof(
    fc.record({ temperature: fc.double({ min: 1e-4, max: 10, noNaN: true }) }),
    fc.record({ logit_scale: fc.double({ min: 0.1, max: 1e4, noNaN: true }) }),
    // A learned scale past fp32 (CLIP's exp of an unclamped parameter), and none at all.
    fc.record({ logit_scale: fc.constantFrom(Math.exp(100), 1e39, 1e300) }),
    fc.constant({}),
  ),
  rest: fc.record({
    normalized: fc.boolean(),
    q_norm: fc.double({ min: 0, max: 1e4, noNaN: true }),
    k_norm: fc.double({ min: 0, max: 1e4, noNaN: true }),
    max_norm: fc.double({ min: 0, max: 1e4, noNaN: true }),
    // Mostly small: a naive softmax in bf16 sums B terms one by one (~0.2 s at 2^20).
    batch_size: fc.oneof(
      { weight: 19, arbitrary: fc.integer({ min: 2, max: 4096 }) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 1_048_576 }) },
    ),
    dim: small(64),
    precision: fc.constantFrom("fp32", "fp16", "bf16", "fp16-autocast", "bf16-autocast"),
    softmax: fc.constantFrom("framework", "naive"),
    dropout_p: fc.double({ min: 0, max: 0.99, noNaN: true }),
    loss: fc.constantFrom("infonce", "supcon", "sigmoid", "dcl"),
    learnable_scale: fc.boolean(),
    scale_clamp: fc.oneof(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), fc.constant(100)),
    labels: fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom("a", "b")), {
      minLength: 2,
      maxLength: 64,
    }),
    views: fc.integer({ min: 1, max: 4 }),
    mask_fill: fc.oneof(
      fc.constantFrom(-1e9, -1e4, -65504, -65520, -3.4e38, "-Infinity"),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
    min_norm: fc.oneof(
      fc.constantFrom(0, 1e-8, 5.96e-8, 1e-12),
      fc.double({ min: 0, max: 1e4, noNaN: true }),
    ),
    optimizer: fc.record({
      type: fc.constantFrom("adam", "adamw", "sgd", "other"),
      eps: fc.double({ min: 1e-12, max: 1, noNaN: true }),
    }, { requiredKeys: ["type"] }),
    trajectory: fc.array(
      fc.record({
        step: fc.integer({ min: 0, max: 1e6 }),
        q_norm: numberish,
        k_norm: numberish,
        max_logit: numberish,
        mean_score: numberish,
        loss: numberish,
        logit_scale: numberish,
      }, { requiredKeys: ["step"] }),
      { minLength: 1, maxLength: 40 },
    ),
    embeddings: fc.tuple(fc.integer({ min: 2, max: 12 }), small(16)).chain(([b, d]) =>
      fc.record({ q: matrix(b, d), k: matrix(b, d) })
    ),
  }, { requiredKeys: ["precision"] }),
}).map(({ scale, rest }) => {
  const { embeddings, ...others } = rest;
  const body: Record<string, unknown> = { ...scale, ...others, ...embeddings };
  // Keep dim consistent with q when both are drawn (otherwise it is an almost-valid body).
  if (embeddings && body.dim !== undefined) body.dim = embeddings.q[0].length;
  return body;
});

export const logSumExpBody = fc.record({
  x: fc.oneof(
    fc.array(numberish, { minLength: 1, maxLength: 200 }),
    fc.array(fc.array(numberish, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 10 }),
  ),
  format: fc.constantFrom("fp64", "fp32", "fp16", "bf16", "fp8-e4m3", "fp8-e5m2"),
  accumulate: fc.constantFrom("fp64", "fp32", "fp16", "bf16", "fp8-e4m3", "fp8-e5m2"),
  method: fc.constantFrom("naive", "stable", "online", "all"),
}, { requiredKeys: ["x", "format"] });

/** `/v1/diagnose`: a loss series, a loader configuration, a contrastive set-up, or any mix. */
export const diagnoseBody = fc.record({
  spikes: spikesBody,
  batch: lastBatchBody,
  contrastive: contrastiveBody,
  parts: fc.subarray(["spikes", "batch", "contrastive"], { minLength: 1 }),
}).map(({ spikes, batch, contrastive, parts }) => {
  const body: Record<string, unknown> = {};
  if (parts.includes("spikes")) Object.assign(body, spikes);
  if (parts.includes("batch")) Object.assign(body, batch);
  if (parts.includes("contrastive")) body.contrastive = contrastive;
  return body;
});

import { createRoute, z } from "./zod.ts";
import {
  GRAD_ACCUM_LOSSES,
  lastBatch,
  type LastBatchAnswer,
  PER_ITEM_LOSSES,
  REDUCTIONS,
} from "../lib/batch/mod.ts";
import { type Endpoint, FindingSchema, RangeSchema, SummarySchema, type Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { toolHandler } from "./json_body.ts";
import { checkLimit } from "./limit_error.ts";
import { problemResponses } from "./problem_schema.ts";

/** The most micro-batches of one accumulation window (the range of `grad_accum_steps`). */
export const MAX_MICRO_BATCHES = 1_000_000;

const size = (description: string) =>
  z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ description });
const beta = (description: string) => z.number().min(0).max(0.99999).openapi({ description });

/**
 * The request body of `POST /v1/last-batch`: the configuration (data set and batch size, loss
 * reduction, ranks, accumulation, optimizer, …), each field described for the OpenAPI document;
 * the refinements refuse configurations no DataLoader runs (a batch larger than a rank's
 * samples with `drop_last`, ranks left with no sample, one rank loss per rank).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LastBatchRequest } from "./last-batch.ts";
 * const body = { dataset_size: 10, batch_size: 32, reduction: "mean", drop_last: true };
 * const issue = LastBatchRequest.safeParse(body).error?.issues[0];
 * assertEquals(issue?.path, ["batch_size"]);
 * assertEquals(LastBatchRequest.parse({ ...body, drop_last: false }).world_size, 1); // default
 * ```
 */
export const LastBatchRequest = z.object({
  dataset_size: size("N: training samples in one epoch (the whole dataset, all ranks)."),
  batch_size: size("B: batch size per rank, as given to the DataLoader."),
  drop_last: z.boolean().default(false).openapi({
    description: "`DataLoader(drop_last=...)`; also the DistributedSampler's unless " +
      "`sampler_drop_last` is given.",
  }),
  reduction: z.enum(REDUCTIONS).openapi({
    description: "How the batch loss is reduced: loss ∝ b^(1−k) for a batch of b samples, k = 1 " +
      "`mean`, 0 `sum` and `fixed_divisor` (Σℓ/C), 2 `per_item_then_batch_mean` (Σℓ ÷ items " +
      "∝ b, then ÷ b again: the Keras-SSD double normalisation).",
  }),
  world_size: size("Number of ranks (PyTorch DistributedSampler semantics).").max(1_000_000)
    .default(1),
  sampler_drop_last: z.boolean().optional().openapi({
    description: "`DistributedSampler(drop_last=...)`: false pads by repeating samples, true " +
      "drops N mod W. Default: `drop_last` (PyTorch's own default is false).",
  }),
  grad_accum_steps: size(
    "Micro-batches per optimizer step (default: the length of " +
      "`items_per_micro_batch`, else 1).",
  ).max(MAX_MICRO_BATCHES).optional(),
  items_per_micro_batch: z.array(z.number().positive().max(Number.MAX_SAFE_INTEGER))
    .min(1).max(MAX_MICRO_BATCHES).optional().openapi({
      description: "Items (e.g. non-padding tokens) of each micro-batch of one accumulation " +
        "window.",
      example: [181, 284, 278, 159],
    }),
  optimizer: z.object({
    type: z.enum(["sgd", "adam", "adamw"]),
    momentum: beta("SGD momentum β (default 0, PyTorch's).").optional(),
    beta1: beta("Adam β1 (default 0.9).").optional(),
    beta2: beta("Adam β2 (default 0.999).").optional(),
  }).optional(),
  grad_noise_scale: z.number().min(0).max(1e15).optional().openapi({
    description: "B_noise = tr(Σ)/|G|², the simple noise scale of McCandlish et al. 2018, in " +
      "samples, if known, with Σ the per-sample gradient covariance over the data set (divided " +
      "by N). With world_size W the all-reduced gradient averages W·b distinct samples.",
  }),
  per_item_loss: z.enum(PER_ITEM_LOSSES).optional().openapi({
    description: "How an item's loss depends on its batch: independent (the default); " +
      "in_batch_negatives (InfoNCE/CLIP: the other b − 1 items are its negatives, so a smaller " +
      "batch has an easier loss, between (r − 1)/(B − 1) converged and ln r/ln B at chance); " +
      "pairwise (the item's loss sums over its b − 1 partners: (r − 1)/(B − 1)).",
  }),
  full_batch_loss: z.number().positive().max(1e6).optional().openapi({
    description: "in_batch_negatives: the loss of a full batch at the time of interest, in " +
      "nats, to place the factor in its range (default: chance, ln B).",
  }),
  grad_accum_loss: z.enum(GRAD_ACCUM_LOSSES).optional().openapi({
    description: "How each micro-batch loss is divided before backward: mean (÷ " +
      "grad_accum_steps, correct), sum (not divided: loss and gradient K× too large), " +
      "mean_twice (divided twice: 1/K×).",
  }),
  items_per_rank: z.array(z.number().positive().max(Number.MAX_SAFE_INTEGER)).min(2)
    .max(1_000_000).optional().openapi({
      description: "Items (examples, tokens, atoms) each rank averages over in one step, when " +
        "the loss is a mean per rank and then a mean over ranks.",
      example: [2, 1],
    }),
  rank_losses: z.array(z.number()).min(2).max(1_000_000).optional().openapi({
    description: "Each rank's mean loss at that step (same order as items_per_rank), to " +
      "measure the bias of the mean of means.",
  }),
  batch_norm: z.boolean().optional().openapi({
    description:
      "Whether the model has BatchNorm layers in train mode (default false; a batch of 1 raises, " +
      "2–3 give noisy statistics).",
  }),
}).superRefine((body, ctx) => {
  if (body.rank_losses && body.items_per_rank?.length !== body.rank_losses.length) {
    ctx.addIssue({
      code: "custom",
      path: ["rank_losses"],
      message: `give one mean loss per rank of items_per_rank (${
        body.items_per_rank?.length ?? "absent"
      }), found ${body.rank_losses.length}`,
    });
  }
  const items = body.items_per_micro_batch;
  if (items && body.grad_accum_steps !== undefined && items.length > body.grad_accum_steps) {
    ctx.addIssue({
      code: "custom",
      path: ["items_per_micro_batch"],
      message: `a window holds at most grad_accum_steps = ${body.grad_accum_steps} ` +
        `micro-batches, found ${items.length}`,
    });
  }
  const w = body.world_size;
  const samplerDrops = w > 1 && (body.sampler_drop_last ?? body.drop_last);
  const perRank = samplerDrops
    ? Math.floor(body.dataset_size / w)
    : Math.ceil(body.dataset_size / w);
  if (perRank === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["world_size"],
      message: `with the sampler's drop_last, ${w} ranks leave no sample of ${body.dataset_size} ` +
        "to any rank",
    });
  } else if (body.drop_last && body.batch_size > perRank) {
    ctx.addIssue({
      code: "custom",
      path: ["batch_size"],
      message: `with drop_last, a batch of ${body.batch_size} is larger than the ${perRank} ` +
        "samples per rank: the DataLoader would yield no batch at all",
    });
  }
}).openapi("LastBatchRequest", {
  example: { dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean" },
});

/** The validated request. */
export type LastBatchInput = z.output<typeof LastBatchRequest>;

const AccumulationWeightsSchema = z.object({
  weight_ratios: z.array(z.number()),
  total_items: z.number(),
  accumulation_steps: z.number().int(),
  max_log_deviation: z.number(),
});

/**
 * The answer of `POST /v1/last-batch` (the contract; `LastBatchAnswer` of lib/batch is its
 * type): steps and the last batch's size, the loss and gradient scales with their ranges, the
 * sampler's padding, accumulation and rank weights, the optimizer's effect, the assumptions,
 * findings and the Markdown summary.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { LastBatchRequest, LastBatchResponse, tool } from "./last-batch.ts";
 * const input = LastBatchRequest.parse({ dataset_size: 100, batch_size: 64, reduction: "mean" });
 * assertEquals(LastBatchResponse.safeParse(tool.run(input, defaultConfig)).success, true);
 * ```
 */
export const LastBatchResponse = z.object({
  steps_per_epoch: z.number().int(),
  last_batch_size: z.number().int(),
  partial_last_batch: z.boolean(),
  batch_size: z.number().int(),
  reduction: z.enum(REDUCTIONS),
  reduction_exponent: z.number().openapi({ description: "k: loss ∝ b^(1−k)." }),
  loss_scale: z.number().openapi({
    description: "Expected loss of the last batch ÷ a full batch's: (r/B)^(1−k).",
  }),
  grad_scale: z.number().openapi({
    description: "Expected (RMS) gradient-norm ratio: (r/B)^(1−k), times " +
      "√((1 + B_noise·φ(W·r))/(1 + B_noise·φ(W·B))) when grad_noise_scale is given. Batches " +
      "are drawn without replacement from the N samples of an epoch, as a shuffled DataLoader " +
      "does: φ(b) = (N − b)/(b(N − 1)), the finite-population factor on the independent-draws " +
      "1/b (negligible for b ≪ N, decisive when a batch is a large part of N: N = 100, B = 64 " +
      "gives 1.778 with the noise dominating, not √(64/36) = 1.333).",
  }),
  gradient: z.object({
    deterministic: z.number(),
    noise_factor: z.number().nullable(),
    noise_factor_limit: z.number(),
    combined: z.number(),
    range: RangeSchema,
  }),
  loss_scale_by_reduction: z.record(z.enum(REDUCTIONS), z.number()),
  per_item_loss: z.object({
    kind: z.enum(PER_ITEM_LOSSES),
    loss_factor: z.number().openapi({
      description: "An item's loss in the last batch ÷ in a full batch (part of loss_scale).",
    }),
    loss_range: RangeSchema,
    grad_factor: z.number(),
    grad_range: RangeSchema,
  }),
  world_size: z.number().int(),
  per_rank: z.object({
    samples: z.number().int(),
    steps_per_epoch: z.number().int(),
    last_batch_size: z.number().int(),
  }).optional(),
  padded_samples: z.number().int().optional().openapi({
    description: "Indices DistributedSampler appends to even out the ranks: W·⌈N/W⌉ − N.",
  }),
  duplicated_samples: z.number().int().optional().openapi({
    description: "Padded indices the ranks train on (seen twice per epoch), from the sampler's " +
      "index layout: with drop_last the padding may sit in the dropped last batches.",
  }),
  unseen_samples: z.number().int().openapi({
    description: "Real samples no rank trains on in an epoch.",
  }),
  dropped_samples: z.number().int().openapi({
    description: "Sample slots unused per epoch: the sampler's N mod W and the dropped batches.",
  }),
  accumulation: z.object({
    accumulation_steps: z.number().int(),
    optimizer_steps_per_epoch: z.number().int(),
    weight_ratios: z.array(z.number()).nullable(),
    items: AccumulationWeightsSchema.nullable(),
    last_window: z.object({
      micro_batch_sizes: z.array(z.number().int()),
      weight_ratios: z.array(z.number()),
      grad_scale: z.number(),
    }).nullable(),
    normalization: z.object({
      mode: z.enum(GRAD_ACCUM_LOSSES),
      loss_factor: z.number(),
      grad_factor: z.number(),
    }).openapi({ description: "The factor grad_accum_loss puts on every window." }),
  }).optional(),
  ranks: z.object({
    items_per_rank: z.array(z.number()),
    weight_ratios: z.array(z.number()),
    max_log_deviation: z.number(),
    mean_of_means: z.number().nullable(),
    item_mean: z.number().nullable(),
    bias: z.number().nullable(),
  }).optional(),
  optimizer_effect: z.object({
    type: z.enum(["sgd", "adam", "adamw"]),
    spike_factor: z.number(),
    spike_update_ratio: z.number(),
    tail_steps: z.number().int(),
    rebound_update_ratio: z.number(),
    damped_steps: z.number().int(),
    extra_displacement_normal_steps: z.number(),
    extra_displacement_gradient_steps: z.number().optional(),
    momentum: z.number().optional(),
    beta1: z.number().optional(),
    beta2: z.number().optional(),
  }).optional(),
  batch_norm: z.boolean(),
  assumptions: z.array(z.string()).openapi({
    description: "The modelling choices this answer rests on.",
  }),
  findings: z.array(FindingSchema),
  summary: SummarySchema,
}).openapi("LastBatchResponse");

/**
 * The tool behind `POST /v1/last-batch` (the HTTP handler and the MCP tool both call `run`):
 * from the training configuration alone, the last partial batch's loss and gradient scale, the
 * DistributedSampler's padding, gradient-accumulation weights, what the optimizer does with the
 * bad step, findings and a Markdown summary.
 *
 * {@linkcode LastBatchRequest} validates the body (422 with one JSON pointer per bad field) and
 * writes the OpenAPI contract; `run` calls `lastBatch` of `lib/batch` (the models, their
 * references and their cost are documented there). `precheck` refuses a list longer than
 * {@linkcode MAX_MICRO_BATCHES} before the schema walks it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { LastBatchRequest, tool } from "./last-batch.ts";
 * // 5000 samples in batches of 32: 156 full batches and a last one of 8; a loss divided by the
 * // items and then by the batch again (k = 2) makes it (8/32)^(1−2) = 4× too large
 * const input = LastBatchRequest.parse({
 *   dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean",
 * });
 * const answer = tool.run(input, defaultConfig);
 * assertEquals([answer.steps_per_epoch, answer.last_batch_size], [157, 8]);
 * assertEquals([answer.loss_scale, answer.grad_scale], [4, 4]);
 * assertEquals(answer.findings.map((f) => f.id), [
 *   "batch-size-dependent-loss", "partial-last-batch",
 * ]);
 * ```
 */
export const tool: Tool<LastBatchInput, LastBatchAnswer> = {
  name: "predict_last_batch",
  title: "Predict the last partial batch's loss and gradient scale",
  description: "From dataset size, batch size, loss reduction, world size, gradient accumulation " +
    "and optimizer: steps per epoch, the last batch's size, the factor by which its loss and " +
    "gradient are off, what momentum/Adam do with that step, DistributedSampler padding, and " +
    "fixes.",
  input: LastBatchRequest as unknown as z.ZodType<LastBatchInput>,
  output: LastBatchResponse,
  // The schema caps the list at 1 000 000, but walks every element before it says so.
  precheck(raw) {
    const body = (raw ?? {}) as Record<string, unknown>;
    for (const field of ["items_per_micro_batch", "items_per_rank", "rank_losses"]) {
      const list = body[field];
      if (Array.isArray(list)) {
        checkLimit("MAX_MICRO_BATCHES", MAX_MICRO_BATCHES, list.length, field, "numbers");
      }
    }
  },
  run: (input: LastBatchInput, _config: Config) =>
    lastBatch({
      datasetSize: input.dataset_size,
      batchSize: input.batch_size,
      dropLast: input.drop_last,
      reduction: input.reduction,
      worldSize: input.world_size,
      samplerDropLast: input.sampler_drop_last,
      gradAccumSteps: input.grad_accum_steps,
      itemsPerMicroBatch: input.items_per_micro_batch,
      optimizer: input.optimizer,
      gradNoiseScale: input.grad_noise_scale,
      perItemLoss: input.per_item_loss,
      fullBatchLoss: input.full_batch_loss,
      gradAccumLoss: input.grad_accum_loss,
      itemsPerRank: input.items_per_rank,
      rankLosses: input.rank_losses,
      batchNorm: input.batch_norm,
    }),
};

const route = createRoute({
  method: "post",
  path: "/v1/last-batch",
  operationId: "predictLastBatch",
  tags: ["last batch"],
  summary: "Predict the last partial batch's loss and gradient scale",
  description: tool.description,
  request: {
    body: { required: true, content: { "application/json": { schema: LastBatchRequest } } },
  },
  responses: {
    200: {
      description: "The prediction, findings and a Markdown summary.",
      content: { "application/json": { schema: LastBatchResponse } },
    },
    ...problemResponses(400, 408, 413, 415, 422),
  },
});

/**
 * `POST /v1/last-batch`: its contract, its tool ({@linkcode tool}) and its handler
 * (`toolHandler`: limits, validation, then `run`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { endpoint } from "./last-batch.ts";
 * const app = new Hono().post(endpoint.route.path, endpoint.handler(defaultConfig));
 * const post = async (body: unknown) =>
 *   await app.request("/v1/last-batch", {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: JSON.stringify(body),
 *   });
 * const answer = await post({ dataset_size: 5000, batch_size: 32, reduction: "mean" });
 * assertEquals((await answer.json()).last_batch_size, 8);
 * const invalid = await post({ dataset_size: 0, batch_size: 32, reduction: "mean" });
 * assertEquals([invalid.status, (await invalid.json()).errors[0].pointer], [422, "/dataset_size"]);
 * ```
 */
export const endpoint: Endpoint = {
  route,
  tool,
  handler: (config) => toolHandler(tool, config),
};

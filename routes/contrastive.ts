import { createRoute, z } from "./zod.ts";
import {
  checkContrastiveStability,
  type ContrastiveReport,
  type ContrastiveRequest,
  LOSS_KINDS,
  PRECISIONS,
} from "../lib/contrastive/mod.ts";
import type { Endpoint, Tool } from "./common.ts";
import { ContrastiveOutput } from "./contrastive_schemas.ts";
import type { Config } from "./config.ts";
import { checkLimit, LimitError } from "./limit_error.ts";
import { toolHandler } from "./json_body.ts";
import { NumberInput } from "./number_input.ts";
import { problemResponses } from "./problem_schema.ts";
import { SemanticsSchema } from "./logsumexp.ts";

/** The most rows of q and k. */
export const MAX_EMBEDDING_ROWS = 1024;
/** The most columns of q and k. */
export const MAX_EMBEDDING_DIM = 4096;

const Matrix = z.array(z.array(z.number()).min(1).max(MAX_EMBEDDING_DIM)).min(2).max(
  MAX_EMBEDDING_ROWS,
);

const Optional = NumberInput.nullable().optional();

const TrajectoryPointSchema = z.object({
  step: z.number(),
  q_norm: Optional.openapi({ description: "Mean (or max) L2 norm of q at this step." }),
  k_norm: Optional,
  max_logit: Optional.openapi({ description: "The largest |logit| (after / τ) at this step." }),
  mean_score: Optional.openapi({ description: "Mean similarity score; only its growth is used." }),
  loss: Optional.openapi({ description: 'The loss; "NaN" or "Infinity" marks the blow-up.' }),
  logit_scale: Optional.openapi({
    description: "The learned multiplier of q·k at this step (CLIP's `logit_scale.exp()`).",
  }),
}).openapi("TrajectoryPoint");

/** The most labels of a supervised batch: 64 Ki samples, checked before validation walks them. */
export const MAX_LABELS = 65_536;

const Input = z.object({
  // Between 1e-300 and 1e300, so that 1/τ (and everything scaled by it) is a finite number.
  temperature: z.number().min(1e-300).max(1e300).optional().openapi({
    description: "τ in logits = q @ k.T / τ. Give this or logit_scale.",
    example: 0.05,
  }),
  logit_scale: z.number().min(1e-300).max(1e300).optional().openapi({
    description: "The multiplier s in logits = s · q @ k.T (CLIP's `logit_scale.exp()`, = 1/τ). " +
      "Without temperature and logit_scale the last logit_scale of the trajectory is used; with " +
      "neither, only a trajectory's max_logit can be checked.",
  }),
  learnable_scale: z.boolean().optional().openapi({
    description: "The temperature or logit scale is a learned parameter (CLIP, SigLIP).",
  }),
  scale_clamp: z.number().min(1e-300).max(1e300).optional().openapi({
    description: "The clamp of the learned scale, in the input's units: the largest logit_scale " +
      "(CLIP: 100) or the smallest temperature (0.01). Implies learnable_scale.",
  }),
  loss: z.enum(LOSS_KINDS).optional().openapi({
    description: "infonce (CLIP, SimCLR, MoCo, SimCSE; the default), supcon (supervised, with " +
      "labels; the default when labels are given), sigmoid (SigLIP) or dcl (debiased or " +
      "decoupled): sigmoid and dcl are outside the softmax model, and the answer says so.",
  }),
  labels: z.array(z.union([z.number(), z.string()])).min(2).max(MAX_LABELS).optional().openapi({
    description: "The class label of each sample of a supervised contrastive batch.",
  }),
  views: z.number().int().min(1).max(1024).optional().openapi({
    description: "Views per sample in a supervised batch (SupConLoss's n_views), default 2.",
  }),
  mask_fill: z.union([z.number(), z.literal("-Infinity")]).transform((v) =>
    typeof v === "number" ? v : -Infinity
  ).optional().openapi({
    description: "The value written over masked logits (self-similarities, padding), e.g. -1e9, " +
      'or "-Infinity".',
  }),
  min_norm: z.number().nonnegative().optional().openapi({
    description: "The smallest row norm of q or k before F.normalize (with normalized: true).",
  }),
  optimizer: z.object({
    type: z.enum(["adam", "adamw", "sgd", "other"]),
    eps: z.number().positive().optional().openapi({ description: "Adam's eps (1e-8)." }),
  }).optional().openapi({ description: "The optimizer, for a NaN that is not an overflow." }),
  normalized: z.boolean().optional().openapi({
    description: "Whether q and k are L2-normalised (then |q·k| ≤ 1 and the norms are ignored).",
  }),
  q_norm: z.number().nonnegative().optional().openapi({
    description: "L2 norm of the q rows (the max norm gives a guarantee; the mean an estimate).",
  }),
  k_norm: z.number().nonnegative().optional(),
  max_norm: z.number().nonnegative().optional().openapi({
    description: "One norm for both q and k (instead of q_norm and k_norm).",
  }),
  batch_size: z.number().int().min(2).max(1_048_576).optional().openapi({
    description: "B: each row has 1 positive and B − 1 negatives.",
  }),
  dim: z.number().int().positive().optional().openapi({ description: "Embedding dimension." }),
  precision: z.enum(PRECISIONS).openapi({
    description: "fp32; pure fp16/bf16 (model.half()); or fp16/bf16 autocast (matmul and / τ " +
      "in half, softmax / cross-entropy / exp / log in fp32, as torch.autocast does).",
  }),
  softmax: z.enum(["framework", "naive"]).default("framework").openapi({
    description: "framework: F.cross_entropy / log_softmax (max-shifted); naive: a hand-written " +
      "exp(logits) / exp(logits).sum().",
  }),
  dropout_p: z.number().min(0).lt(1).optional().openapi({
    description: "Dropout probability used to make the two views of a positive (SimCSE).",
  }),
  trajectory: z.array(TrajectoryPointSchema).min(1).optional().openapi({
    description: "Logged values per step, steps increasing; at most MAX_TRAJECTORY_POINTS.",
  }),
  q: Matrix.optional().openapi({
    description: `Embeddings, B × dim (B ≤ ${MAX_EMBEDDING_ROWS}, dim ≤ ${MAX_EMBEDDING_DIM}, ` +
      "B·B·dim ≤ MAX_MATRIX_WORK). Row i of k is the positive of row i of q.",
  }),
  k: Matrix.optional(),
  semantics: SemanticsSchema.default("torch").openapi({
    description: "torch: q and k are fp32 tensors before any cast (float64 → fp32 → format); " +
      "ieee: rounded once. Cross-entropy keeps inf − inf = NaN under both (docs/logsumexp.md).",
  }),
}).superRefine((r, ctx) => {
  if (r.temperature !== undefined && r.logit_scale !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["logit_scale"],
      message: "give one of temperature and logit_scale, not both",
    });
  }
  if ((r.q === undefined) !== (r.k === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [r.q === undefined ? "q" : "k"],
      message: "embeddings need both q and k",
    });
  }
  if (r.q && r.dim !== undefined && r.q[0].length !== r.dim) {
    ctx.addIssue({
      code: "custom",
      path: ["dim"],
      message: `dim is ${r.dim} but the rows of q have ${r.q[0].length} numbers`,
    });
  }
  if (r.q && r.k) {
    if (r.k.length !== r.q.length) {
      ctx.addIssue({
        code: "custom",
        path: ["k"],
        message: `k has ${r.k.length} rows, q has ${r.q.length}`,
      });
    }
    const dim = r.q[0].length;
    for (const [name, m] of [["q", r.q], ["k", r.k]] as const) {
      const bad = m.findIndex((row) => row.length !== dim);
      if (bad >= 0) {
        ctx.addIssue({
          code: "custom",
          path: [name, bad],
          message: `${name}[${bad}] has ${m[bad].length} numbers, q[0] has ${dim}`,
        });
      }
    }
  }
}).openapi("ContrastiveRequest");

/** The validated request (the body, defaults filled in and `"-Infinity"` read as a number). */
export type ContrastiveInput = z.infer<typeof Input>;

/**
 * The tool behind `POST /v1/contrastive` (the HTTP handler and the MCP tool both call `run`):
 * will this contrastive (InfoNCE) loss overflow, at which stage, and when? Three ways to ask,
 * combinable: a configuration (temperature or logit scale, norms, batch size, precision), a
 * trajectory of logged norms / logits / losses, and the embeddings q and k.
 *
 * The body is validated by its zod schema (JSON pointers on every bad field), the configured
 * limits are checked by {@linkcode checkContrastiveLimits} (trajectory points ≤
 * `MAX_TRAJECTORY_POINTS`, B·B·dim ≤ `MAX_MATRIX_WORK`: 413 naming the limit), then `run` calls
 * {@linkcode checkContrastiveStability} (lib/contrastive: the model, its references and its cost
 * are documented there); the handler writes non-finite numbers as strings. Documented caps on
 * embeddings: B ≤ {@linkcode MAX_EMBEDDING_ROWS} rows, dim ≤ {@linkcode MAX_EMBEDDING_DIM}
 * columns (422 beyond them).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { contrastive } from "./contrastive.ts";
 * // unit-norm embeddings at τ = 0.05 give logits up to 20, and e^20 is over fp16's 65504
 * const body = { temperature: 0.05, normalized: true, precision: "fp16", batch_size: 256 };
 * const naive = contrastive.run(contrastive.input.parse({ ...body, softmax: "naive" }), defaultConfig);
 * assertEquals(naive.first_overflow?.stage, "exp");
 * assertEquals(naive.findings.map((f) => f.id), ["naive-softmax-overflow"]);
 * // F.cross_entropy shifts by the row's max first: nothing overflows
 * assertEquals(contrastive.run(contrastive.input.parse(body), defaultConfig).first_overflow, null);
 * ```
 */
export const contrastive: Tool<ContrastiveInput, ContrastiveReport> = {
  name: "check_contrastive_stability",
  title: "Will a contrastive (InfoNCE) loss overflow?",
  description: "Given a temperature or logit scale (fixed or learned), embedding norms (or a " +
    "logged trajectory of norms, logits, scales and losses, or the embeddings themselves), batch " +
    "size and precision, says whether q @ k.T / τ, exp, the sum or the log overflow fp16/bf16, " +
    "which stage first, the largest safe |q·k|, when significantly growing values will overflow, " +
    "whether a NaN loss is an overflow at all (or F.normalize's eps, an empty positive set, a " +
    "mask sentinel, the optimizer), and what to change.",
  input: Input,
  output: ContrastiveOutput,
  precheck: checkContrastiveLimits,
  run(input: ContrastiveInput, config: Config): ContrastiveReport {
    checkContrastiveLimits(input, config);
    return checkContrastiveStability(input as ContrastiveRequest);
  },
};

/**
 * Throws a {@linkcode LimitError} when the request is over the service's limits: trajectory
 * points over `MAX_TRAJECTORY_POINTS`, labels over {@linkcode MAX_LABELS}, B·B·dim of q or k
 * over `MAX_MATRIX_WORK` (dim = the longest row), or a matrix holding more numbers than the caps
 * allow (B ≤ 1024 rows of ≤ 4096). Reads array lengths only, O(rows), so it runs on the raw
 * body before the schema, which reports everything else (a matrix over a cap but small is the
 * schema's 422).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { checkContrastiveLimits } from "./contrastive.ts";
 * const q = Array.from({ length: 100 }, () => new Array(1000).fill(0));
 * const config = { ...defaultConfig, maxMatrixWork: 1_000_000 };
 * assertThrows(
 *   () => checkContrastiveLimits({ q }, config),
 *   Error,
 *   "B·B·dim = 100·100·1000 = 10000000 is more than MAX_MATRIX_WORK = 1000000",
 * );
 * checkContrastiveLimits({ q: q.slice(0, 10) }, config); // 10·10·1000 is within it
 * ```
 */
export function checkContrastiveLimits(raw: unknown, config: Config): void {
  const body = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (Array.isArray(body.trajectory)) {
    const points = body.trajectory.length;
    checkLimit("MAX_TRAJECTORY_POINTS", config.maxTrajectoryPoints, points, "trajectory", "points");
  }
  if (Array.isArray(body.labels)) {
    checkLimit("MAX_LABELS", MAX_LABELS, body.labels.length, "labels", "labels");
  }
  for (const name of ["q", "k"]) {
    const m = body[name];
    if (!Array.isArray(m)) continue;
    let dim = 0, numbers = 0;
    for (const row of m) {
      const length = Array.isArray(row) ? row.length : 1;
      dim = Math.max(dim, length);
      numbers += length;
    }
    checkLimit(
      "MAX_EMBEDDING_ROWS·MAX_EMBEDDING_DIM",
      MAX_EMBEDDING_ROWS * MAX_EMBEDDING_DIM,
      numbers,
      name,
      "numbers",
    );
    const rows = m.length, work = rows * rows * dim;
    if (work > config.maxMatrixWork) {
      throw new LimitError(
        `B·B·dim = ${rows}·${rows}·${dim} = ${work} is more than MAX_MATRIX_WORK = ` +
          `${config.maxMatrixWork}`,
        "MAX_MATRIX_WORK",
        config.maxMatrixWork,
        work,
      );
    }
  }
}

const route = createRoute({
  method: "post",
  path: "/v1/contrastive",
  operationId: "checkContrastiveStability",
  tags: ["contrastive"],
  summary: "Where and when a contrastive loss overflows, and what to change",
  description: contrastive.description +
    " Non-finite numbers are written as the strings NaN, Infinity, -Infinity.",
  request: { body: { required: true, content: { "application/json": { schema: Input } } } },
  responses: {
    200: {
      description: "Stages, first overflow, forecast, per-row losses, findings and summary.",
      content: { "application/json": { schema: ContrastiveOutput } },
    },
    ...problemResponses(400, 408, 413, 415, 422),
  },
});

/**
 * `POST /v1/contrastive`: its contract, its tool ({@linkcode contrastive}) and its handler
 * (`toolHandler`: limits, validation, then `run`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { endpoint } from "./contrastive.ts";
 * const app = new Hono().post(endpoint.route.path, endpoint.handler(defaultConfig));
 * const post = async (body: unknown) =>
 *   await app.request("/v1/contrastive", {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: JSON.stringify(body),
 *   });
 * const both = await post({ temperature: 0.05, logit_scale: 20, precision: "fp16" });
 * assertEquals([both.status, (await both.json()).errors[0].pointer], [422, "/logit_scale"]);
 * ```
 */
export const endpoint: Endpoint = {
  route,
  tool: contrastive,
  handler: (config) => toolHandler(contrastive, config),
};

/**
 * Requests that draw every answer the service gives: each endpoint's 200s in each form (from
 * the real PyTorch runs of tests/fixtures/pytorch where a series is needed, and bodies that
 * reach the optional parts of each answer: DDP, accumulation, an optimizer, embeddings, a
 * trajectory, matrices, non-finite values) and each error status it can return (400 malformed
 * JSON, 401 without the token, 406, 408 for a body slower than BODY_TIMEOUT_MS, 413 over a size
 * limit or the work budget, 415 for a media type or a Content-Encoding, 422).
 *
 * The contract test (contract_test.ts) holds the answers to the published document, the client
 * test (contract_client_test.ts) to a client generated from it, and the Workers and Node tests
 * send the same requests to the deployed forms. `settings` says which app a request needs: the
 * defaults, a token, small limits (so that a 413 needs no large body), a work budget of one
 * unit (so that the period search stops at once), or a body timeout of 50 ms.
 */
import { type App, createApp } from "../routes/app.ts";
import { configFromEnv } from "../routes/config.ts";
import { fixture as contrastiveRun, fixtureTrajectory } from "./contrastive_helpers.ts";
import { loadFixture } from "./fixtures.ts";

/** Which settings the app that answers a request has. */
export type Settings = "default" | "token" | "small" | "tight" | "hasty";

/** One request, and what is expected of it. */
export interface ContractRequest {
  /** What the request is about, for messages. */
  name: string;
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * The body is sent a byte every 20 ms and never ends: a client slower than `BODY_TIMEOUT_MS`
   * (as `record` sends it; the deployed forms get the default settings' requests only).
   */
  trickle?: boolean;
  settings: Settings;
  /** The status it must get. */
  status: number;
}

/** The token of the `token` settings. */
export const TOKEN = "contract-test-token";

/** The settings' environment (as `configFromEnv` reads it: a Worker's vars, `process.env`). */
export const SETTINGS: Record<Settings, Record<string, string>> = {
  default: {},
  token: { API_TOKEN: TOKEN },
  small: { MAX_BODY_BYTES: "4096", MAX_SERIES_POINTS: "50", MAX_LOGSUMEXP_ROWS: "2" },
  tight: { MAX_ANALYSIS_WORK: "1" },
  hasty: { BODY_TIMEOUT_MS: "50" },
};

const JSON_TYPE = { "content-type": "application/json" };

function post(
  name: string,
  path: string,
  body: unknown,
  status = 200,
  headers: Record<string, string> = JSON_TYPE,
  settings: Settings = "default",
): ContractRequest {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return { name, method: "POST", path, body: text, headers, status, settings };
}

/** The error answers every POST endpoint can give, with a body that is valid for `path`. */
function errors(path: string, valid: unknown): ContractRequest[] {
  const text = JSON.stringify(valid);
  return [
    post(`${path} malformed JSON`, path, '{"not": json', 400),
    post(`${path} empty body`, path, "", 400),
    post(`${path} no token`, path, text, 401, JSON_TYPE, "token"),
    post(`${path} wrong token`, path, text, 401, {
      ...JSON_TYPE,
      authorization: "Bearer not-the-token",
    }, "token"),
    post(`${path} with the token`, path, text, 200, {
      ...JSON_TYPE,
      authorization: `Bearer ${TOKEN}`,
    }, "token"),
    post(
      `${path} body over MAX_BODY_BYTES`,
      path,
      " ".repeat(5000) + text,
      413,
      JSON_TYPE,
      "small",
    ),
    post(`${path} as XML`, path, "<loss>1</loss>", 415, { "content-type": "application/xml" }),
    post(`${path} encoded with br`, path, text, 415, { ...JSON_TYPE, "content-encoding": "br" }),
    {
      ...post(`${path} a body slower than BODY_TIMEOUT_MS`, path, text, 408),
      trickle: true,
      settings: "hasty",
    },
    post(`${path} a JSON array`, path, "[[[]]]", 422),
  ];
}

/** Every request of the contract test, in the document's order of operations. */
export async function contractRequests(): Promise<ContractRequest[]> {
  const ssd = await loadFixture("ssd_double_norm");
  const sum = await loadFixture("sum_reduction");
  const dropLast = await loadFixture("drop_last");
  const lrSpike = await loadFixture("lr_spike_single");
  const withNaN = [...ssd.loss.slice(0, 300), null, "NaN", "Infinity", ...ssd.loss.slice(300)];
  const spikes = { loss: ssd.loss, dataset_size: 5000, batch_size: 32 };
  const lastBatch = { dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean" };
  const contrastive = {
    temperature: 0.05,
    q_norm: 95.8,
    k_norm: 93.5,
    batch_size: 128,
    precision: "fp16-autocast",
    normalized: false,
  };
  const logsumexp = { x: [12, 0, 3], format: "fp16", method: "all" };
  const diagnose = { ...lastBatch, loss: ssd.loss };
  const csv = "step,loss\n" + ssd.loss.map((v, i) => `${i},${v ?? "nan"}`).join("\n") + "\n";
  return [
    { name: "healthz", method: "GET", path: "/healthz", settings: "default", status: 200 },

    post("spikes: a last-batch spike with the loader's sizes", "/v1/spikes", spikes),
    post("spikes: a sum reduction", "/v1/spikes", {
      loss: sum.loss,
      dataset_size: 5000,
      batch_size: 32,
    }),
    post("spikes: drop_last, so no last batch", "/v1/spikes", {
      loss: dropLast.loss,
      dataset_size: 5000,
      batch_size: 32,
      drop_last: true,
    }),
    post("spikes: one learning-rate spike", "/v1/spikes", { loss: lrSpike.loss }),
    post("spikes: non-finite values and steps", "/v1/spikes", {
      loss: withNaN,
      steps: withNaN.map((_, i) => 10 * i),
      log_every: 10,
      steps_per_epoch: 1570,
    }),
    post("spikes: means of 4 steps", "/v1/spikes", {
      loss: ssd.loss.filter((_, i) => i % 4 === 3),
      log_every: 4,
      steps_per_epoch: 157,
    }),
    post("spikes: CSV", "/v1/spikes?steps_per_epoch=157", csv, 200, { "content-type": "text/csv" }),
    post("spikes: Markdown", "/v1/spikes?format=markdown", spikes),
    post("spikes: SVG", "/v1/spikes", spikes, 200, { ...JSON_TYPE, accept: "image/svg+xml" }),
    post("spikes: no acceptable form", "/v1/spikes", spikes, 406, {
      ...JSON_TYPE,
      accept: "image/png",
    }),
    post(
      "spikes: a series over MAX_SERIES_POINTS",
      "/v1/spikes",
      { loss: ssd.loss.slice(0, 60) },
      413,
      JSON_TYPE,
      "small",
    ),
    post(
      "spikes: a period search over MAX_ANALYSIS_WORK",
      "/v1/spikes",
      spikes,
      413,
      JSON_TYPE,
      "tight",
    ),
    post("spikes: a bad option", "/v1/spikes", { loss: ssd.loss, batch_size: 0 }, 422),
    ...errors("/v1/spikes", spikes),

    post("last-batch: the SSD double normalisation", "/v1/last-batch", lastBatch),
    post("last-batch: DDP, accumulation and Adam", "/v1/last-batch", {
      dataset_size: 50_000,
      batch_size: 96,
      reduction: "mean",
      world_size: 3,
      grad_accum_steps: 4,
      items_per_micro_batch: [181, 284, 278, 159],
      optimizer: { type: "adamw", beta1: 0.9, beta2: 0.999 },
      grad_noise_scale: 400,
    }),
    post("last-batch: SGD with momentum, the sampler dropping", "/v1/last-batch", {
      dataset_size: 1003,
      batch_size: 10,
      reduction: "sum",
      world_size: 4,
      sampler_drop_last: true,
      optimizer: { type: "sgd", momentum: 0.9 },
    }),
    post("last-batch: a batch larger than a rank's share", "/v1/last-batch", {
      dataset_size: 10,
      batch_size: 32,
      drop_last: true,
      reduction: "mean",
    }, 422),
    post("last-batch: micro-batches over MAX_MICRO_BATCHES", "/v1/last-batch", {
      ...lastBatch,
      items_per_micro_batch: new Array(1_000_001).fill(1),
    }, 413),
    ...errors("/v1/last-batch", lastBatch),

    post("contrastive: norms", "/v1/contrastive", contrastive),
    post("contrastive: a trajectory to NaN", "/v1/contrastive", {
      temperature: contrastiveRun.config.temperature,
      batch_size: contrastiveRun.config.batch,
      precision: "fp16-autocast",
      normalized: false,
      trajectory: fixtureTrajectory(13),
    }),
    post("contrastive: naive softmax on embeddings", "/v1/contrastive", {
      temperature: 0.05,
      precision: "fp16",
      softmax: "naive",
      dropout_p: 0.1,
      q: [[30, 40, 0], [0, 50, 10], [3, 1, 2]],
      k: [[40, 30, 0], [10, 0, 50], [1, 2, 3]],
    }),
    post("contrastive: CLIP's logit scale, normalised, bf16", "/v1/contrastive", {
      logit_scale: 100,
      normalized: true,
      batch_size: 32768,
      precision: "bf16-autocast",
    }),
    post("contrastive: a trajectory over MAX_TRAJECTORY_POINTS", "/v1/contrastive", {
      ...contrastive,
      trajectory: Array.from({ length: 100_001 }, (_, step) => ({ step })),
    }, 413),
    post("contrastive: both temperature and logit_scale", "/v1/contrastive", {
      ...contrastive,
      logit_scale: 20,
    }, 422),
    ...errors("/v1/contrastive", contrastive),

    post("logsumexp: a vector in fp16", "/v1/logsumexp", logsumexp),
    post("logsumexp: a matrix in bf16, summed in fp32", "/v1/logsumexp", {
      x: [[12, 0, 3, -7.25, 11.5], [1e-5, 65504, -65504, 0.1, 300], ["NaN", 1, "Infinity"]],
      format: "bf16",
      accumulate: "fp32",
    }),
    post("logsumexp: overflow in fp8", "/v1/logsumexp", {
      x: [600, 1, 2],
      format: "fp8-e4m3",
      method: "naive",
    }),
    post(
      "logsumexp: rows over MAX_LOGSUMEXP_ROWS",
      "/v1/logsumexp",
      {
        x: [[1], [2], [3]],
        format: "fp32",
      },
      413,
      JSON_TYPE,
      "small",
    ),
    post("logsumexp: an unknown format", "/v1/logsumexp", { x: [1], format: "fp12" }, 422),
    ...errors("/v1/logsumexp", logsumexp),

    post("diagnose: a run with its loader", "/v1/diagnose", diagnose),
    post("diagnose: a loader alone", "/v1/diagnose", lastBatch),
    post("diagnose: everything, with a contrastive set-up", "/v1/diagnose", {
      ...diagnose,
      world_size: 2,
      optimizer: { type: "sgd", momentum: 0.9 },
      contrastive,
    }),
    post("diagnose: CSV", "/v1/diagnose?dataset_size=5000&batch_size=32", csv, 200, {
      "content-type": "text/csv",
    }),
    post("diagnose: Markdown", "/v1/diagnose", diagnose, 200, {
      ...JSON_TYPE,
      accept: "text/markdown",
    }),
    post("diagnose: SVG", "/v1/diagnose?format=svg", diagnose),
    post("diagnose: SVG without a series", "/v1/diagnose?format=svg", lastBatch, 406),
    post(
      "diagnose: a series over MAX_SERIES_POINTS",
      "/v1/diagnose",
      {
        loss: ssd.loss.slice(0, 60),
      },
      413,
      JSON_TYPE,
      "small",
    ),
    post(
      "diagnose: a period search over MAX_ANALYSIS_WORK",
      "/v1/diagnose",
      diagnose,
      413,
      JSON_TYPE,
      "tight",
    ),
    post("diagnose: a bad reduction", "/v1/diagnose", { ...lastBatch, reduction: "avg" }, 422),
    ...errors("/v1/diagnose", diagnose),
  ];
}

/** An app with each of the settings. */
export const apps = Object.fromEntries(
  Object.entries(SETTINGS).map(([name, env]) => [name, createApp(configFromEnv((k) => env[k]))]),
) as Record<Settings, App>;

/** A recorded answer. */
export interface Recorded {
  request: ContractRequest;
  status: number;
  type: string;
  text: string;
}

/** A body that sends a space every 20 ms and never ends. */
function trickle(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.enqueue(new TextEncoder().encode(" "));
    },
  });
}

/** Sends every request of contract_requests.ts to the app with its settings. */
export async function record(): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  for (const request of await contractRequests()) {
    const res = await apps[request.settings].request(request.path, {
      method: request.method,
      headers: request.headers,
      body: request.trickle ? trickle() : request.body,
      // @ts-ignore: Deno's RequestInit needs duplex for a stream body
      duplex: "half",
    });
    const type = (res.headers.get("content-type") ?? "").split(";")[0].trim();
    recorded.push({ request, status: res.status, type, text: await res.text() });
  }
  return recorded;
}

/** POST /v1/contrastive: validation pointers, documented caps, configured limits, the contract. */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import app, { createApp } from "../routes/app.ts";
import { contrastive, MAX_LABELS } from "../routes/contrastive.ts";
import { defaultConfig } from "../routes/config.ts";
import { postContrastive } from "./contrastive_helpers.ts";

Deno.test("at most one of temperature and logit_scale, and norms need one of them", async () => {
  const both = await postContrastive({
    temperature: 0.1,
    logit_scale: 10,
    normalized: true,
    batch_size: 4,
    precision: "fp32",
  });
  assertEquals(both.status, 422);
  assertEquals(both.body.errors[0].pointer, "/logit_scale");
  const none = await postContrastive({ normalized: true, batch_size: 4, precision: "fp32" });
  assertEquals(none.status, 422);
  assertStringIncludes(none.body.detail, "give temperature or logit_scale");
  // A trajectory's logged logit scale stands in for it.
  const logged = await postContrastive({
    normalized: true,
    batch_size: 4,
    precision: "fp32",
    trajectory: [{ step: 0, logit_scale: 14 }, { step: 1, logit_scale: 15 }],
  });
  assertEquals(logged.status, 200);
  assertEquals(logged.body.logit_scale, 15);
});

Deno.test("bad fields are 422 with JSON pointers", async () => {
  const res = await postContrastive({
    temperature: -1,
    batch_size: 1,
    precision: "fp8",
    normalized: true,
  });
  assertEquals(res.status, 422);
  const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
  for (const p of ["/temperature", "/batch_size", "/precision"]) {
    assert(pointers.includes(p), `${pointers}`);
  }
});

Deno.test("embeddings over the documented caps (B ≤ 1024) are 422 at /q", async () => {
  const q = Array.from({ length: 1025 }, () => [1]);
  const res = await postContrastive({ temperature: 0.1, precision: "fp32", q, k: q });
  assertEquals(res.status, 422);
  assert(res.body.errors.some((e: { pointer: string }) => e.pointer === "/q"));
});

Deno.test("B·B·dim over MAX_MATRIX_WORK is 413 naming the limit", async () => {
  const small = createApp({ ...defaultConfig, maxMatrixWork: 1000 });
  const q = Array.from({ length: 10 }, (_, i) => Array.from({ length: 11 }, (_, d) => (i + d) % 3));
  const res = await postContrastive({ temperature: 0.1, precision: "fp32", q, k: q }, small);
  assertEquals(res.status, 413);
  assertEquals(res.body.limit, "MAX_MATRIX_WORK");
  assertEquals(res.body.value, 1000);
  assertStringIncludes(res.body.detail, "1100");
});

Deno.test("more trajectory points than MAX_TRAJECTORY_POINTS is 413", async () => {
  const small = createApp({ ...defaultConfig, maxTrajectoryPoints: 3 });
  const trajectory = [1, 2, 3, 4].map((step) => ({ step, loss: 1 }));
  const res = await postContrastive({ temperature: 0.1, precision: "fp32", trajectory }, small);
  assertEquals(res.status, 413);
  assertEquals(res.body.limit, "MAX_TRAJECTORY_POINTS");
});

Deno.test("the tool is check_contrastive_stability and the contract documents the route", async () => {
  assertEquals(contrastive.name, "check_contrastive_stability");
  const doc = await (await app.request("/openapi.json")).json();
  const op = doc.paths["/v1/contrastive"].post;
  assert(op.responses["200"] && op.responses["413"] && op.responses["422"]);
  assert(doc.components.schemas.ContrastiveRequest && doc.components.schemas.Forecast);
});

Deno.test("the summary is Markdown with the verdict, the stage table and the findings", async () => {
  const { body } = await postContrastive({
    temperature: 0.05,
    q_norm: 95.8,
    k_norm: 93.5,
    batch_size: 128,
    precision: "fp16-autocast",
    normalized: false,
  });
  assertStringIncludes(body.summary, "**Overflows at `q @ k.T / 0.05`**");
  assertStringIncludes(body.summary, "| temperature |");
  assertStringIncludes(body.summary, "`logit-overflow`");
});

Deno.test("dim must match the embeddings; given alone it explains raw dot products", async () => {
  const q = [[1, 0, 0], [0, 1, 0]];
  const bad = await postContrastive({ temperature: 0.1, precision: "fp32", dim: 4, q, k: q });
  assertEquals(bad.status, 422);
  assertEquals(bad.body.errors[0].pointer, "/dim");
  const { body } = await postContrastive({
    temperature: 0.07,
    normalized: false,
    q_norm: 27.7,
    k_norm: 27.7,
    dim: 768,
    batch_size: 64,
    precision: "fp16-autocast",
  });
  const f = body.findings.find((x: { id: string }) => x.id === "no-l2-normalization");
  assertStringIncludes(f.evidence, "√768 = 27.7128");
});

Deno.test("more labels than MAX_LABELS is 413 before validation walks them", async () => {
  const { status, body } = await postContrastive({
    temperature: 0.1,
    precision: "fp32",
    labels: new Array(MAX_LABELS + 1).fill(0),
  });
  assertEquals(status, 413);
  assertEquals([body.limit, body.value, body.found], ["MAX_LABELS", MAX_LABELS, MAX_LABELS + 1]);
});

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import fc from "fast-check";
import app, { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";
import { loadFixture } from "./fixtures.ts";

const ssd = await loadFixture("ssd_double_norm");

function post(body: string, type: string | null, query = "", target = app) {
  const headers: Record<string, string> = {};
  if (type) headers["content-type"] = type;
  return target.request(`/v1/spikes${query}`, { method: "POST", body, headers });
}

Deno.test("POST /v1/spikes finds the last partial batch of ssd_double_norm as JSON", async () => {
  const res = await post(
    JSON.stringify({ loss: ssd.loss, steps_per_epoch: 157 }),
    "application/json",
  );
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.periodicity.period, 157);
  assertEquals(body.periodicity.phase, 156);
  assertEquals(body.epoch_alignment.position, "last-step");
  assertEquals(body.findings[0].id, "last-batch-spike");
});

Deno.test("POST /v1/spikes reads a TensorBoard CSV export with options in the query", async () => {
  const csv = "Wall time,Step,Value\n" +
    ssd.loss.map((v, i) => `${1.7e9 + i},${i},${v}`).join("\n");
  const res = await post(csv, "text/csv", "?dataset_size=5000&batch_size=32");
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.periodicity.period, 157);
  assertEquals(body.last_batch.inferred_reduction, "per_item_then_batch_mean");
});

Deno.test("POST /v1/spikes reads a W&B CSV export, skipping the __MIN/__MAX columns", async () => {
  const csv = `"Step","run-7 - loss","run-7 - loss__MIN","run-7 - loss__MAX"\n` +
    ssd.loss.map((v, i) => `${i},${v},${v},${v}`).join("\n");
  const body = await (await post(csv, "text/csv", "?steps_per_epoch=157")).json();
  assertEquals(body.periodicity.period, 157);
});

Deno.test("POST /v1/spikes reads JSON written by Python's json.dumps, with NaN and Infinity", async () => {
  const python = new Deno.Command("python3", {
    args: [
      "-c",
      "import json; print(json.dumps({'loss': [2.0, 1.9, float('nan'), 1.8, float('inf'), 1.7]}))",
    ],
    stdout: "piped",
  });
  const text = new TextDecoder().decode((await python.output()).stdout);
  assertStringIncludes(text, "NaN");
  const res = await post(text, "application/json");
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.non_finite, { count: 2, first_step: 2 });
  assertEquals(body.findings[0].id, "non-finite-loss");
});

Deno.test("POST /v1/spikes reads one number per line as text/plain", async () => {
  const res = await post(ssd.loss.join("\n") + "\nnan\n", "text/plain", "?steps_per_epoch=157");
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.n, ssd.loss.length + 1);
  assertEquals(body.periodicity.period, 157);
});

Deno.test("POST /v1/spikes answers 415 problem+json for an unsupported media type", async () => {
  const res = await post("<loss/>", "application/xml");
  assertEquals(res.status, 415);
  assertEquals(res.headers.get("content-type"), "application/problem+json");
});

Deno.test("POST /v1/spikes points at the bad element and the bad option with 422", async () => {
  let res = await post('{"loss": [1, 2, "x"]}', "application/json");
  assertEquals(res.status, 422);
  assertStringIncludes((await res.json()).detail, "/loss/2");
  res = await post('{"loss": [1, 2, 3], "steps_per_epoch": 0}', "application/json");
  assertEquals(res.status, 422);
  const body = await res.json();
  assertEquals(body.errors[0].pointer, "/steps_per_epoch");
  res = await post("1\n2\n3\n", "text/plain", "?log_every=ten");
  assertEquals((await res.json()).errors[0].pointer, "/query/log_every");
});

Deno.test("POST /v1/spikes says where malformed JSON breaks, with 400 as every endpoint", async () => {
  const res = await post('{"loss": [1, 2,\n 3,, 4]}', "application/json");
  assertEquals(res.status, 400);
  assertStringIncludes((await res.json()).detail, "line 2");
});

Deno.test("POST /v1/spikes answers 413 naming the limit for a body or series over it", async () => {
  const small = createApp({ ...defaultConfig, maxBodyBytes: 100, maxSeriesPoints: 5 });
  let res = await post(JSON.stringify({ loss: ssd.loss }), "application/json", "", small);
  assertEquals(res.status, 413);
  assertEquals((await res.json()).limit, "MAX_BODY_BYTES");
  res = await post("[1,2,3,4,5,6]", "application/json", "", small);
  assertEquals(res.status, 413);
  assertEquals((await res.json()).limit, "MAX_SERIES_POINTS");
});

Deno.test("POST /v1/spikes never answers 5xx, and every error is problem+json", async () => {
  const value = fc.oneof(
    fc.double(),
    fc.constant(null),
    fc.constantFrom("NaN", "Infinity", "x", ""),
    fc.boolean(),
    fc.array(fc.double(), { maxLength: 3 }),
  );
  const body = fc.oneof(
    fc.record({ loss: fc.array(value, { maxLength: 300 }) }, { requiredKeys: [] }),
    fc.record({
      loss: fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 400 }),
      steps_per_epoch: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double()),
      log_every: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.string()),
      dataset_size: fc.integer({ min: -3, max: 10_000 }),
      batch_size: fc.integer({ min: -3, max: 600 }),
      drop_last: fc.oneof(fc.boolean(), fc.string()),
    }, { requiredKeys: ["loss"] }),
    fc.anything(),
  );
  await fc.assert(
    fc.asyncProperty(
      body,
      fc.constantFrom("application/json", "text/plain", "text/csv", null),
      async (b, type) => {
        const res = await post(JSON.stringify(b) ?? "", type);
        assert(res.status < 500, `status ${res.status} for ${JSON.stringify(b)?.slice(0, 200)}`);
        if (res.status !== 200) {
          assertEquals(res.headers.get("content-type"), "application/problem+json");
        }
        await res.body?.cancel();
      },
    ),
    { seed: 7, numRuns: 300 },
  );
});

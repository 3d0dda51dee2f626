/**
 * Portability: the app without `main.ts` (`edge.ts`), bundled by `deno bundle`, runs under Node
 * with neither `Math.f16round` nor `Float16Array` (Node 20 has neither; the runner deletes them
 * on newer Nodes) and answers the PyTorch fixtures byte for byte as `app.request` does under
 * Deno: /v1/spikes, /v1/last-batch, /v1/contrastive, /v1/logsumexp in fp16/bf16/fp8, /mcp,
 * the contract and the Swagger UI assets (text imports inlined by the bundler). Skipped when
 * `node` is not installed.
 */
import { assert, assertEquals } from "@std/assert";
import app from "../routes/app.ts";
import { fixture as contrastive, fixtureTrajectory } from "./contrastive_helpers.ts";
import { loadFixture } from "./fixtures.ts";

const node = await new Deno.Command("node", { args: ["--version"], stdout: "piped" })
  .output().then((o) => o.success ? new TextDecoder().decode(o.stdout).trim() : null)
  .catch(() => null);

interface Sent {
  path: string;
  method: string;
  body?: string;
  headers?: Record<string, string>;
}

const json = { "content-type": "application/json" };

async function requests(): Promise<Sent[]> {
  const post = (path: string, body: unknown, headers: Record<string, string> = json): Sent => ({
    path,
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers,
  });
  const sent: Sent[] = [];
  for (const name of ["ssd_double_norm", "drop_last", "sum_reduction", "lr_spike_single"]) {
    const f = await loadFixture(name);
    sent.push(post("/v1/spikes", { loss: f.loss, dataset_size: 5000, batch_size: 32 }));
  }
  const ssd = await loadFixture("ssd_double_norm");
  sent.push(
    post("/v1/spikes?steps_per_epoch=157", ssd.loss.map((v) => v ?? "nan").join("\n"), {
      "content-type": "text/plain",
    }),
    post("/v1/diagnose", {
      loss: ssd.loss,
      dataset_size: 5000,
      batch_size: 32,
      reduction: "per_item_then_batch_mean",
    }),
    post("/v1/spikes?format=markdown", { loss: ssd.loss, steps_per_epoch: 157 }),
    post("/v1/spikes?format=svg", { loss: ssd.loss, steps_per_epoch: 157 }),
    post("/v1/last-batch", {
      dataset_size: 5000,
      batch_size: 32,
      reduction: "per_item_then_batch_mean",
      optimizer: { type: "sgd", momentum: 0.9 },
    }),
    post("/v1/contrastive", {
      temperature: contrastive.config.temperature,
      batch_size: contrastive.config.batch,
      precision: "fp16-autocast",
      normalized: false,
      trajectory: fixtureTrajectory(13),
    }),
    post("/v1/contrastive", {
      temperature: 0.05,
      precision: "fp16",
      softmax: "naive",
      q: [[30, 40, 0], [0, 50, 10], [3, 1, 2]],
      k: [[40, 30, 0], [10, 0, 50], [1, 2, 3]],
    }),
  );
  for (const format of ["fp16", "bf16", "fp8-e4m3", "fp8-e5m2", "fp32"]) {
    sent.push(post("/v1/logsumexp", {
      x: [[12, 0, 3, -7.25, 11.5], [1e-5, 65504, -65504, 0.1, 300]],
      format,
      accumulate: format === "fp16" ? "fp16" : "fp32",
    }));
  }
  sent.push(
    post("/mcp", { jsonrpc: "2.0", id: 1, method: "tools/list" }, {
      ...json,
      accept: "application/json, text/event-stream",
    }),
    post("/v1/logsumexp", "{not json", json),
    { path: "/openapi.json", method: "GET" },
    { path: "/docs/swagger-ui.css", method: "GET" },
    { path: "/healthz", method: "GET" },
  );
  return sent;
}

/** Asserts equal structure, strings and booleans; numbers within 1e-12 relative. */
function compareNumbers(a: unknown, b: unknown, where: string): number {
  if (typeof a === "number" && typeof b === "number") {
    if (a === b) return 0;
    assert(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)), `${where}: ${a} vs ${b}`);
    return 1;
  }
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    assertEquals(a, b, where);
    return 0;
  }
  assertEquals(Object.keys(a), Object.keys(b), where);
  let differing = 0;
  for (const key of Object.keys(a)) {
    differing += compareNumbers(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${where}/${key}`,
    );
  }
  return differing;
}

Deno.test({
  name: "the bundled app answers the fixtures under Node without Math.f16round, as under Deno",
  ignore: node === null,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const bundle = `${dir}/edge.js`;
      const built = await new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--quiet", "--platform", "browser", "-o", bundle, "edge.ts"],
        cwd: new URL("..", import.meta.url).pathname,
        stderr: "piped",
      }).output();
      assert(built.success, new TextDecoder().decode(built.stderr));
      const sent = await requests();
      await Deno.writeTextFile(`${dir}/requests.json`, JSON.stringify(sent));
      const run = await new Deno.Command("node", {
        args: [
          new URL("node_runner.mjs", import.meta.url).pathname,
          bundle,
          `${dir}/requests.json`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert(run.success, new TextDecoder().decode(run.stderr));
      const out = JSON.parse(new TextDecoder().decode(run.stdout));
      assertEquals([out.f16round, out.float16array], ["undefined", "undefined"]);
      assertEquals(out.worker, { status: 401, type: "application/problem+json" });
      assertEquals(out.answers.length, sent.length);
      let inexact = 0;
      for (const [i, r] of sent.entries()) {
        const res = await app.request(r.path, r);
        const status = res.status, type = res.headers.get("content-type"), body = await res.text();
        const got = out.answers[i];
        const where = `${r.method} ${r.path} #${i} (Node ${out.node})`;
        assertEquals([got.status, got.type], [status, type], where);
        if (got.body === body) continue;
        // Only numbers may differ, and only in their last bits: V8 releases use different
        // libm code for Math.log, exp, sin… (a 1-ulp difference in ln(loss) moves a z-score in
        // its 14th digit). Text, verdicts and every fp16/bf16/fp8 result must be identical.
        assert(!r.path.startsWith("/v1/logsumexp"), `${where}: emulated formats must be exact`);
        assert(type?.includes("json"), `${where}: Markdown and SVG answers must be identical`);
        inexact += compareNumbers(JSON.parse(got.body), JSON.parse(body), where);
      }
      console.log(
        `Node ${out.node}: ${inexact} numbers differ in the last digits, all else is equal`,
      );
      // The answers are real ones, not a shared error.
      assertEquals(
        out.answers.filter((a: { status: number }) => a.status === 200).length,
        sent.length - 1,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

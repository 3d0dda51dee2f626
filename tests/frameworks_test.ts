/**
 * The frameworks' own files, as written (tests/fixtures/frameworks, real runs with their sources):
 * recognised by content in `lib/parse`, through `POST /v1/spikes` and `/v1/diagnose`, the CLI and
 * the MCP tool. One row per file; the expected numbers are read off the files themselves (the
 * README there says where each comes from).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseSeriesBody, stepsFromFractionalEpochs } from "../lib/parse/mod.ts";
import app from "../routes/app.ts";

interface Row {
  file: string;
  format: string;
  contentType: string;
  points: number;
  firstStep: number;
  lastStep: number;
  stepsPerEpoch?: number;
  logEvery?: number;
  loggedAs?: string;
  evalPoints: number;
  lrPoints: number;
  why: string;
}

const ROWS: Row[] = [
  {
    file: "whisper_small_hi.trainer_state.json",
    format: "trainer_state",
    contentType: "application/json",
    points: 200,
    firstStep: 25,
    lastStep: 5000,
    stepsPerEpoch: 409,
    logEvery: 25,
    evalPoints: 5,
    lrPoints: 200,
    why: "epoch 12.22 at step 5000 (12.2249… in the file's header): 409 steps per epoch",
  },
  {
    file: "healthai_oppo.trainer_log.jsonl",
    format: "trainer_log",
    contentType: "application/json",
    points: 9,
    firstStep: 1,
    lastStep: 9,
    stepsPerEpoch: 3,
    evalPoints: 0,
    lrPoints: 9,
    why: "epoch 1.0 at step 3, 2.0 at 6, 3.0 at 9",
  },
  {
    file: "hmm_version_0.metrics.csv",
    format: "lightning_csv",
    contentType: "text/csv",
    points: 14,
    firstStep: 49,
    lastStep: 699,
    stepsPerEpoch: 247,
    evalPoints: 3,
    lrPoints: 0,
    why: "train_loss_step every 50 steps to 699; train_loss_epoch rows at 246, 493, 740",
  },
  {
    file: "hmm_version_8.metrics.csv",
    format: "lightning_csv",
    contentType: "text/csv",
    points: 494,
    firstStep: 49,
    lastStep: 24699,
    stepsPerEpoch: 494,
    evalPoints: 50,
    lrPoints: 0,
    why: "50 epochs, the last epoch-level row at step 24699 = 50 × 494 − 1",
  },
  {
    file: "siamese_lstm.keras.txt",
    format: "keras",
    contentType: "text/plain",
    points: 40,
    firstStep: 0,
    lastStep: 63,
    stepsPerEpoch: 8,
    loggedAs: "epoch-running-mean",
    evalPoints: 8,
    lrPoints: 0,
    why: "450 samples in batches of 64 (counts 64, 192, 320, 448): 8 batches per epoch",
  },
  {
    file: "siamese_lstm_18k.keras.txt",
    format: "keras",
    contentType: "text/plain",
    points: 999,
    firstStep: 0,
    lastStep: 7 * 282 - 1,
    stepsPerEpoch: 282,
    loggedAs: "epoch-running-mean",
    evalPoints: 7,
    lrPoints: 0,
    why: "18 000 samples in batches of 64: 282 batches per epoch, 7 epochs",
  },
  {
    file: "penn_fudan_fasterrcnn.torchvision.txt",
    format: "torchvision",
    contentType: "text/plain",
    points: 7,
    firstStep: 0,
    lastStep: 59,
    stepsPerEpoch: 60,
    loggedAs: "epoch-running-mean",
    evalPoints: 0,
    lrPoints: 7,
    why: "[i/60]: 60 iterations per epoch, printed every 10 and at the last",
  },
  {
    file: "shakespeare_char_m4.nanogpt.txt",
    format: "nanogpt",
    contentType: "text/plain",
    points: 51,
    firstStep: 0,
    lastStep: 500,
    loggedAs: "value",
    evalPoints: 6,
    lrPoints: 0,
    why: "iter 0…500 every 10, step 0…500 every 100 with val loss",
  },
];

const dir = new URL("./fixtures/frameworks/", import.meta.url);
const read = (file: string) => Deno.readTextFile(new URL(file, dir));

for (const row of ROWS) {
  Deno.test(`lib/parse reads ${row.file} as ${row.format}: ${row.why}`, async () => {
    const body = parseSeriesBody(await read(row.file), null);
    assertEquals(body.format, row.format);
    assertEquals(body.loss.length, row.points);
    assertEquals([body.steps![0], body.steps![row.points - 1]], [row.firstStep, row.lastStep]);
    assertEquals(body.implied.steps_per_epoch, row.stepsPerEpoch);
    assertEquals(body.implied.log_every, row.logEvery);
    assertEquals(body.implied.logged_as, row.loggedAs);
    assertEquals(body.series.eval_loss?.values.length ?? 0, row.evalPoints);
    assertEquals(body.series.learning_rate?.values.length ?? 0, row.lrPoints);
    for (let i = 1; i < row.points; i++) assert(body.steps![i] > body.steps![i - 1]);
  });

  Deno.test(`POST /v1/spikes and /v1/diagnose take ${row.file} as it is and say ${row.format}`, async () => {
    const text = await read(row.file);
    for (const path of ["/v1/spikes", "/v1/diagnose"]) {
      const res = await app.request(path, {
        method: "POST",
        headers: { "content-type": row.contentType },
        body: text,
      });
      assertEquals(res.status, 200, await res.clone().text());
      const answer = await res.json();
      const spikes = path === "/v1/spikes" ? answer : answer.results.spikes;
      assertEquals(spikes.input.format, row.format);
      assertEquals(spikes.input.series.loss, row.points);
      assertEquals(spikes.input.series.eval_loss, row.evalPoints);
      assertEquals(spikes.input.from_file.steps_per_epoch, row.stepsPerEpoch);
      assertEquals(spikes.epoch_alignment?.steps_per_epoch, row.stepsPerEpoch);
    }
  });
}

Deno.test("a steps_per_epoch in the query wins over the file's own, without a conflict", async () => {
  const res = await app.request("/v1/spikes?steps_per_epoch=400", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: await read("whisper_small_hi.trainer_state.json"),
  });
  assertEquals(res.status, 200);
  const answer = await res.json();
  assertEquals(answer.epoch_alignment.steps_per_epoch, 400);
  assertEquals(answer.input.from_file, { log_every: 25 });
});

Deno.test("a log inside JSON (log_file) is read as the same file sent as the body", async () => {
  const text = await read("siamese_lstm_18k.keras.txt");
  const direct = await (await app.request("/v1/spikes", { method: "POST", body: text })).json();
  const wrapped = await (await app.request("/v1/spikes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ log_file: text }),
  })).json();
  assertEquals(wrapped, direct);
});

Deno.test("fractional epochs rounded to 2 decimals still pin the steps per epoch", () => {
  // Whisper_small_hi's own (step, epoch) pairs, every 1000 steps: 409 steps per epoch.
  assertEquals(
    stepsFromFractionalEpochs([1000, 2000, 3000, 4000, 5000], [2.44, 4.89, 7.33, 9.78, 12.22]),
    409,
  );
  // Fewer than one epoch says nothing.
  assertEquals(stepsFromFractionalEpochs([25, 50], [0.06, 0.12]), null);
});

Deno.test("a file that names no loss is a 422 saying what was expected", async () => {
  // A LLaMA-Factory log of a run that logged only progress (AnthonyTang7/LLM-Assisted-RL's shape).
  const text = '{"current_steps": 5, "total_steps": 512, "percentage": 0.98}\n' +
    '{"current_steps": 10, "total_steps": 512, "percentage": 1.95}\n';
  const res = await app.request("/v1/spikes", { method: "POST", body: text });
  assertEquals(res.status, 422);
  assertStringIncludes((await res.json()).detail, "training-loss values");
});

Deno.test("the CLI reads every framework file and answers what the service answers", async () => {
  const script = new URL("../scripts/diagnose.ts", import.meta.url).pathname;
  for (const row of ROWS) {
    const file = new URL(row.file, dir).pathname;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-read", script, file, "--format", "json"],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assertEquals(output.code, 0, stderr);
    const answer = JSON.parse(new TextDecoder().decode(output.stdout));
    assertEquals(answer.results.spikes.input.format, row.format, row.file);
    assertEquals(answer.results.spikes.input.from_file.steps_per_epoch, row.stepsPerEpoch);
  }
});

Deno.test("the MCP tools take a framework file as log_file and name its format", async () => {
  const transport = new StreamableHTTPClientTransport(new URL("http://lossdoctor.test/mcp"), {
    fetch: async (input, init) => await app.request(String(input), init),
  });
  const client = new Client({ name: "frameworks-test", version: "0.0.0" });
  await client.connect(transport);
  try {
    for (const row of ROWS) {
      for (const name of ["analyze_loss_spikes", "diagnose"]) {
        const result = await client.callTool({
          name,
          arguments: { log_file: await read(row.file) },
        });
        assert(!result.isError, JSON.stringify(result.content));
        const answer = result.structuredContent as Record<string, Record<string, unknown>>;
        const spikes = (name === "diagnose" ? answer.results.spikes : answer) as {
          input: { format: string; series: { loss: number } };
        };
        assertEquals(spikes.input.format, row.format, `${name} ${row.file}`);
        assertEquals(spikes.input.series.loss, row.points);
      }
    }
  } finally {
    await client.close();
  }
});

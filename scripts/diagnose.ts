/**
 * `deno task diagnose <file> [options]`: the diagnosis of `POST /v1/diagnose` on a file, without
 * a server, printed as Markdown (default), JSON or SVG.
 *
 * The file is what the endpoint takes as a body: JSON (`{"loss": [...], ...}` with any of the
 * endpoint's fields, also with Python's bare NaN/Infinity; or a bare array), a CSV export with a
 * header (TensorBoard, W&B, `step,loss`), one number per line, or a framework's own file
 * (trainer_state.json, trainer_log.jsonl, Lightning metrics.csv, a Keras, torchvision or nanoGPT
 * log), recognised by content; `-` reads standard input. The
 * options below add to the JSON file's fields and win over them (the command line is what the
 * person typed last). Validation, limits and analysis are the endpoint's own (routes/diagnose.ts),
 * so the CLI and the service cannot disagree.
 *
 * Exit status: 0 with an answer, 1 when the input cannot be diagnosed (the reason on stderr),
 * 2 for a usage error.
 *
 * @example
 * deno task diagnose tests/fixtures/pytorch/ssd_double_norm.json --steps-per-epoch 157
 * deno task diagnose loss.csv --dataset-size 5000 --batch-size 32 --format svg > loss.svg
 */
import { parseArgs } from "node:util";
import { parseOptionalSeriesBody } from "../lib/parse/mod.ts";
import { defaultConfig } from "../routes/config.ts";
import { diagnosePlot, runDiagnose } from "../routes/diagnose.ts";
import { withImplied } from "../routes/series_body.ts";
import { DiagnoseOptionsSchema } from "../routes/diagnose_schemas.ts";
import { stringify } from "../routes/json.ts";
import { pointer } from "../routes/problem.ts";

const USAGE = `usage: deno task diagnose <file|-> [options]

  <file>                    JSON ({"loss": [...]} or an array), CSV with a header, one number
                            per line, or a framework's file (trainer_state.json,
                            trainer_log.jsonl, metrics.csv, a Keras/torchvision/nanoGPT log);
                            - reads standard input
  --steps-per-epoch N       optimizer steps in one epoch
  --dataset-size N          samples in one epoch (with --batch-size: the last-batch check)
  --batch-size N            the DataLoader's batch size
  --drop-last               the DataLoader's drop_last=True
  --reduction R             mean | sum | fixed_divisor | per_item_then_batch_mean
  --world-size N            number of ranks (DistributedSampler)
  --log-every N             each point is the mean of N steps
  --logged-as A             value | epoch-running-mean (the mean since the epoch began)
  --column NAME             CSV: the loss column
  --format F                markdown (default) | json | svg
  -h, --help                this text`;

/** Command-line option → body field, with how to read its value. */
const NUMERIC: Record<string, string> = {
  "steps-per-epoch": "steps_per_epoch",
  "dataset-size": "dataset_size",
  "batch-size": "batch_size",
  "world-size": "world_size",
  "log-every": "log_every",
};

function fail(message: string, code: number): never {
  console.error(message);
  Deno.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(Object.keys(NUMERIC).map((name) => [name, { type: "string" }])),
      "drop-last": { type: "boolean" },
      reduction: { type: "string" },
      "logged-as": { type: "string" },
      column: { type: "string" },
      format: { type: "string", default: "markdown" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
if (positionals.length !== 1) fail(`expected one file, found ${positionals.length}\n\n${USAGE}`, 2);
const format = String(values.format);
if (!["markdown", "json", "svg"].includes(format)) {
  fail(`--format must be markdown, json or svg, found ${format}\n\n${USAGE}`, 2);
}

const [file] = positionals;
let text: string;
try {
  text = file === "-"
    ? await new Response(Deno.stdin.readable).text()
    : await Deno.readTextFile(file);
} catch (error) {
  fail(`cannot read ${file}: ${(error as Error).message}`, 1);
}
const extension = file.toLowerCase().match(/\.([a-z]+)$/)?.[1];
// A .jsonl, .log or unknown extension is left to content sniffing.
const mediaType = extension === "json"
  ? "application/json"
  : extension === "csv"
  ? "text/csv"
  : extension === "txt"
  ? "text/plain"
  : null;

let body;
try {
  body = parseOptionalSeriesBody(text, mediaType, values.column as string | undefined);
} catch (error) {
  fail(`${file}: ${(error as Error).message}`, 1);
}

const options: Record<string, unknown> = { ...body.fields };
for (const [flag, field] of Object.entries(NUMERIC)) {
  const raw = values[flag as keyof typeof values];
  if (raw === undefined) continue;
  const value = Number(raw);
  options[field] = String(raw).trim() !== "" && Number.isFinite(value) ? value : raw;
}
if (values["drop-last"]) options.drop_last = true;
if (values.reduction !== undefined) options.reduction = values.reduction;
if (values["logged-as"] !== undefined) options.logged_as = values["logged-as"];
// What the file implies (steps per epoch, logging window) fills in what the options leave out.
const merged = body.loss ? withImplied(body, options) : { options, extras: undefined };

const checked = DiagnoseOptionsSchema.safeParse(merged.options);
if (!checked.success) {
  fail(
    checked.error.issues.map((i) => `${pointer(i.path) || "options"}: ${i.message}`).join("\n"),
    1,
  );
}

try {
  const report = runDiagnose(
    body.loss,
    body.steps,
    checked.data,
    defaultConfig,
    merged.extras,
  );
  if (format === "json") {
    console.log(JSON.stringify(JSON.parse(stringify(report)), null, 2));
  } else if (format === "svg") {
    const svg = diagnosePlot(body.loss, body.steps, checked.data.log_every, report);
    if (svg === null) fail("the SVG answer is a plot of the loss series: the file has none", 1);
    console.log(svg);
  } else {
    console.log(report.summary);
  }
} catch (error) {
  if (error instanceof RangeError || error instanceof TypeError) fail(error.message, 1);
  throw error;
}

/**
 * `deno task diagnose`, run as a person runs it: a subprocess with only read permission, on the
 * fixture files and on CSV and text files made from them; its answers must be the service's.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import app from "../routes/app.ts";
import { fixtureUrl, loadFixture } from "./fixtures.ts";
import { parseXml } from "./xml.ts";

const script = new URL("../scripts/diagnose.ts", import.meta.url).pathname;
const ssdFile = fixtureUrl("ssd_double_norm").pathname;
const ssd = await loadFixture("ssd_double_norm");

async function cli(args: string[], stdin?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", script, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("the CLI on ssd_double_norm.json prints the service's Markdown: the last partial batch, drop_last", async () => {
  const run = await cli([ssdFile, "--steps-per-epoch", "157"]);
  assertEquals(run.code, 0, run.stderr);
  assertStringIncludes(run.stdout.split("\n")[0], "the loss spikes at the last, partial batch");
  assertStringIncludes(run.stdout, "drop_last=True");
  const res = await app.request("/v1/diagnose?steps_per_epoch=157&format=markdown", {
    method: "POST",
    body: await Deno.readTextFile(ssdFile),
    headers: { "content-type": "application/json" },
  });
  assertEquals(run.stdout, (await res.text()) + "\n");
});

Deno.test("the CLI reads a CSV export and answers JSON with the merged last-batch finding", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lossdoctor-cli-" });
  try {
    const csv = `${dir}/loss.csv`;
    await Deno.writeTextFile(csv, "step,loss\n" + ssd.loss.map((v, i) => `${i},${v}`).join("\n"));
    const run = await cli([
      csv,
      "--dataset-size",
      "5000",
      "--batch-size",
      "32",
      "--format",
      "json",
    ]);
    assertEquals(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assertEquals(report.findings[0].id, "last-batch-spike");
    assertEquals(report.findings[0].merged_ids.length, 3);
    assertEquals(report.results.last_batch.last_batch_size, ssd.facts.last_batch_size);
    assertEquals(report.results.last_batch.reduction_source, "inferred");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI reads one number per line (here from standard input) and draws the SVG", async () => {
  const run = await cli(["-", "--steps-per-epoch", "157", "--format", "svg"], ssd.loss.join("\n"));
  assertEquals(run.code, 0, run.stderr);
  const svg = parseXml(run.stdout.trim());
  assertEquals(svg.name, "svg");
  assertStringIncludes(run.stdout, "period 157 steps");
});

Deno.test("the CLI's errors: usage is exit 2, input it cannot diagnose is exit 1 with the reason", async () => {
  const none = await cli([]);
  assertEquals(none.code, 2);
  assertStringIncludes(none.stderr, "usage: deno task diagnose");
  const format = await cli([ssdFile, "--format", "png"]);
  assertEquals(format.code, 2);
  const zero = await cli([ssdFile, "--batch-size", "0", "--dataset-size", "5000"]);
  assertEquals(zero.code, 1);
  assertStringIncludes(zero.stderr, "/batch_size");
  const missing = await cli(["/nonexistent/loss.csv"]);
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "cannot read /nonexistent/loss.csv");
  const dir = await Deno.makeTempDir({ prefix: "lossdoctor-cli-" });
  try {
    const config = `${dir}/config.json`;
    await Deno.writeTextFile(config, JSON.stringify({ dataset_size: 5000, batch_size: 32 }));
    const markdown = await cli([config]);
    assertEquals(markdown.code, 0, markdown.stderr);
    assertStringIncludes(markdown.stdout, "partial-last-batch");
    const svg = await cli([config, "--format", "svg"]);
    assertEquals(svg.code, 1);
    assert(svg.stderr.includes("loss series"), svg.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

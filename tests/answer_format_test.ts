/**
 * Answer formats of /v1/spikes and /v1/diagnose: `?format=` and `Accept` (RFC 9110 §12.5.1
 * q-values and media ranges), Markdown = the JSON's summary, SVG = a well-formed plot whose
 * elements match the JSON answer, 406 when nothing acceptable can be made.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import app from "../routes/app.ts";
import { loadFixture } from "./fixtures.ts";
import { findAll, parseXml, type XmlElement } from "./xml.ts";

const ssd = await loadFixture("ssd_double_norm");
const diagnoseBody = {
  loss: ssd.loss,
  dataset_size: 5000,
  batch_size: 32,
  reduction: "per_item_then_batch_mean",
};

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
}

for (
  const [path, body] of [["/v1/spikes", { loss: ssd.loss, steps_per_epoch: 157 }], [
    "/v1/diagnose",
    diagnoseBody,
  ]] as const
) {
  Deno.test(`${path}: JSON by default, Markdown and SVG by Accept or ?format=`, async () => {
    const json = await post(path, body);
    assertEquals(json.status, 200);
    assertStringIncludes(json.headers.get("content-type")!, "application/json");
    // Accept picks the form; Accept-Encoding (hono's compress) whether it is gzipped.
    assertEquals(json.headers.get("vary"), "Accept, Accept-Encoding");
    const answer = await json.json();

    for (
      const res of [
        await post(path, body, { accept: "text/markdown" }),
        await post(`${path}?format=markdown`, body),
      ]
    ) {
      assertEquals(res.status, 200);
      assertEquals(res.headers.get("content-type"), "text/markdown; charset=utf-8");
      assertEquals(await res.text(), answer.summary);
    }
    for (
      const res of [
        await post(path, body, { accept: "image/svg+xml" }),
        await post(`${path}?format=svg`, body),
      ]
    ) {
      assertEquals(res.status, 200);
      assertEquals(res.headers.get("content-type"), "image/svg+xml; charset=utf-8");
      const svg = parseXml(await res.text());
      assertEquals(svg.name, "svg");
      assertEquals(svg.attributes.xmlns, "http://www.w3.org/2000/svg");
    }
  });
}

Deno.test("Accept: */* (curl's default) and browsers' lists are JSON; text/* is Markdown; image/* SVG", async () => {
  const cases: [accept: string, expected: string | 406][] = [
    ["*/*", "application/json"],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"],
    ["text/*", "text/markdown"],
    ["image/*", "image/svg+xml"],
    ["application/json;q=0.5, text/markdown", "text/markdown"],
    ["text/markdown;q=0.2, image/svg+xml;q=0.9", "image/svg+xml"],
    ["image/png, */*;q=0.1", "application/json"],
    ["text/markdown, image/svg+xml", "text/markdown"],
    ["image/svg+xml, text/markdown", "image/svg+xml"],
    // RFC 9110 §12.5.1: the most specific range sets the q, so q=0 refuses Markdown.
    ["text/*;q=0.3, text/markdown;q=0", 406],
    ["*/*;q=0.1, application/json;q=0", "text/markdown"],
    ["image/png", 406],
  ];
  for (const [accept, expected] of cases) {
    const res = await post("/v1/spikes", { loss: [1, 2, 1, 2, 1] }, { accept });
    if (expected === 406) {
      assertEquals(res.status, 406, accept);
    } else {
      assertEquals(res.status, 200, accept);
      assertStringIncludes(res.headers.get("content-type")!, expected, accept);
    }
    await res.body?.cancel();
  }
});

Deno.test("a JSON body takes the options it lacks from the query, not one it has", async () => {
  const res = await post("/v1/spikes?steps_per_epoch=157", { loss: ssd.loss });
  assertEquals((await res.json()).epoch_alignment.steps_per_epoch, 157);
  const twice = await post("/v1/spikes?steps_per_epoch=150", {
    loss: ssd.loss,
    steps_per_epoch: 157,
  });
  assertEquals(twice.status, 422);
  assertEquals((await twice.json()).errors[0].pointer, "/query/steps_per_epoch");
  const bad = await post("/v1/diagnose?batch_size=0", { loss: ssd.loss, dataset_size: 5000 });
  assertEquals(bad.status, 422);
  assertEquals((await bad.json()).errors[0].pointer, "/query/batch_size");
});

Deno.test("?format= wins over Accept; an unknown format is 422 at /query/format", async () => {
  const res = await post("/v1/spikes?format=json", { loss: [1, 2, 3] }, {
    accept: "text/markdown",
  });
  assertStringIncludes(res.headers.get("content-type")!, "application/json");
  await res.body?.cancel();
  const bad = await post("/v1/spikes?format=png", { loss: [1, 2, 3] });
  assertEquals(bad.status, 422);
  assertEquals((await bad.json()).errors[0].pointer, "/query/format");
});

Deno.test("nothing acceptable is a 406 problem, before the body is read", async () => {
  const res = await app.request("/v1/diagnose", {
    method: "POST",
    body: "not json at all {",
    headers: { "content-type": "application/json", accept: "image/png" },
  });
  assertEquals(res.status, 406);
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  assertStringIncludes((await res.json()).detail, "image/svg+xml");
});

Deno.test("/v1/diagnose?format=svg without a loss series is 406; Markdown still works", async () => {
  const config = { dataset_size: 5000, batch_size: 32, reduction: "sum" };
  const svg = await post("/v1/diagnose?format=svg", config);
  assertEquals(svg.status, 406);
  assertEquals(svg.headers.get("content-type"), "application/problem+json");
  assertStringIncludes((await svg.json()).detail, "loss");
  const md = await post("/v1/diagnose", config, { accept: "text/markdown" });
  assertEquals(md.status, 200);
  assertStringIncludes(await md.text(), "## Diagnosis:");
});

Deno.test("errors stay problem+json whatever the Accept header asked for", async () => {
  const res = await post("/v1/spikes", { loss: [] }, { accept: "text/markdown" });
  assertEquals(res.status, 422);
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  await res.body?.cancel();
});

function epochLines(svg: XmlElement): number {
  // The plot's epoch path draws full-height lines (V); the legend's symbol is a short v.
  const path = findAll(svg, "path").find((p) =>
    p.attributes.class === "ld-epoch" && p.attributes.d.includes("V")
  );
  return path ? (path.attributes.d.match(/M/g) ?? []).length : 0;
}

Deno.test("the SVG of ssd_double_norm: a marker per listed spike, the ten epoch ends, the finding as caption", async () => {
  const res = await post("/v1/spikes?steps_per_epoch=157", { loss: ssd.loss });
  const answer = await res.json();
  const svg = parseXml(
    await (await post("/v1/spikes?steps_per_epoch=157&format=svg", { loss: ssd.loss })).text(),
  );
  // The legend has one circle; every up spike of the answer has its own.
  const circles = findAll(svg, "circle").filter((c) => c.attributes.r === "6");
  assertEquals(
    circles.length,
    answer.spikes.filter((s: { direction: string }) => s.direction === "up").length,
  );
  // 1570 steps of 157: the fixture's ten last-batch steps, 156 + 157k.
  assertEquals(epochLines(svg), ssd.facts.last_batch_step_indices.length);
  const desc = findAll(svg, "desc")[0];
  assertStringIncludes(JSON.stringify(desc), "last, partial batch");
  assertStringIncludes(JSON.stringify(findAll(svg, "title")[0]), "period 157 steps");
});

Deno.test("the SVG of a log_every series puts the points at their steps", async () => {
  // 10 points logged every 100 steps: x runs to step 900, and the x axis says so.
  const loss = [5, 4, 3.5, 3, 2.8, 2.6, 2.5, 2.4, 2.35, 2.3];
  const svg = await (await post("/v1/spikes?format=svg", { loss, log_every: 100 })).text();
  const texts = findAll(parseXml(svg), "text").map((t) => JSON.stringify(t.children));
  assert(texts.some((t) => t.includes("800")), "an x tick at step 800");
});

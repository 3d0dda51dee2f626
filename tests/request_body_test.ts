/**
 * Request bodies (routes/request_body.ts), through `app.request`: gzip and deflate decoded and
 * counted after decoding, other codings refused, a body that does not come in time or stops
 * half way, each answered without a stack trace in the log.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";

const encoder = new TextEncoder();

/** `text` compressed by the platform's CompressionStream. */
async function compressed(
  text: string,
  format: CompressionFormat,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([encoder.encode(text)]).stream()
    .pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const post = (
  app: ReturnType<typeof createApp>,
  path: string,
  body: BodyInit,
  headers: Record<string, string> = {},
) =>
  app.request(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    // @ts-ignore: Deno's RequestInit needs duplex for a stream body
    duplex: "half",
  });

const app = createApp();

Deno.test("a gzip or deflate body gets the answer of the same body sent plain", async () => {
  const body = JSON.stringify({ dataset_size: 5000, batch_size: 32, reduction: "mean" });
  const plain = await (await post(app, "/v1/last-batch", body)).text();
  for (const coding of ["gzip", "x-gzip", "deflate"]) {
    const format = coding === "deflate" ? "deflate" : "gzip";
    const res = await post(app, "/v1/last-batch", await compressed(body, format), {
      "content-encoding": coding,
    });
    assertEquals(res.status, 200, coding);
    assertEquals(await res.text(), plain, coding);
  }
});

Deno.test("a 10⁶-point series shrinks several-fold in gzip and is counted decoded", async () => {
  let seed = 5;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const loss = Array.from({ length: 1_000_000 }, (_, i) => 2 * Math.exp(-i / 3e5) + random() / 10);
  const body = JSON.stringify({ loss: loss.map((v) => Number(v.toPrecision(7))) });
  const gzip = await compressed(body, "gzip");
  const ratio = body.length / gzip.byteLength;
  assert(ratio > 2.5, `ratio ${ratio.toFixed(2)}`);
  const small = createApp({ ...defaultConfig, maxSeriesPoints: 1000 });
  // Refused on the decoded series: the limit counts points, whatever the coding.
  const res = await post(small, "/v1/spikes", gzip, { "content-encoding": "gzip" });
  const problem = await res.json();
  assertEquals([res.status, problem.limit, problem.found], [413, "MAX_SERIES_POINTS", 1_000_000]);
});

Deno.test("any other coding is a 415 with Accept-Encoding, never read as plain text", async () => {
  for (const coding of ["br", "zstd", "compress", "gzip, br", "constructor"]) {
    const res = await post(app, "/v1/spikes", "[1, 2, 3]", { "content-encoding": coding });
    assertEquals(res.status, 415, coding);
    assertEquals(res.headers.get("accept-encoding"), "gzip, deflate");
    assertStringIncludes((await res.json()).detail, "Content-Encoding");
  }
  const identity = await post(app, "/v1/spikes", "[1, 2, 3]", { "content-encoding": "identity" });
  assertEquals(identity.status, 200);
});

Deno.test("a gzip bomb stops at MAX_BODY_BYTES of decoded bytes; corrupt gzip is a 400", async () => {
  const small = createApp({ ...defaultConfig, maxBodyBytes: 100_000 });
  const bomb = await compressed("[" + "1,".repeat(1_000_000) + "1]", "gzip");
  assert(bomb.byteLength < 100_000, `the bomb is ${bomb.byteLength} bytes`);
  const res = await post(small, "/v1/spikes", bomb, { "content-encoding": "gzip" });
  const problem = await res.json();
  assertEquals([res.status, problem.limit], [413, "MAX_BODY_BYTES"]);
  assertStringIncludes(problem.detail, "decoded");
  const corrupt = await post(app, "/v1/spikes", bomb.subarray(0, 100), {
    "content-encoding": "gzip",
  });
  assertEquals(corrupt.status, 400);
  assertStringIncludes((await corrupt.json()).detail, "not valid gzip");
});

Deno.test("a body that does not arrive within BODY_TIMEOUT_MS is a 408", async () => {
  const hasty = createApp({ ...defaultConfig, bodyTimeoutMs: 50 });
  let pulls = 0;
  const trickle = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.enqueue(encoder.encode(" "));
    },
  });
  const res = await post(hasty, "/v1/spikes", trickle);
  const problem = await res.json();
  assertEquals(res.status, 408);
  assertStringIncludes(problem.detail, "BODY_TIMEOUT_MS = 50");
  assert(pulls < 100, `read on after the timeout: ${pulls} chunks`);
});

Deno.test("a body no answer reads is drained for at most BODY_TIMEOUT_MS, then left", async () => {
  // A 415 is decided from the headers; the body within MAX_BODY_BYTES is still read to its end
  // so that the connection can carry the next request (routes/app.ts), but a client that sends
  // it a byte at a time cannot hold the answer longer than a body may take.
  const hasty = createApp({ ...defaultConfig, bodyTimeoutMs: 50 });
  let pulls = 0;
  const endless = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.enqueue(encoder.encode(" "));
    },
  });
  const res = await post(hasty, "/v1/spikes", endless, {
    "content-encoding": "br",
    "content-length": "1000",
  });
  assertEquals(res.status, 415);
  await res.body?.cancel();
  assert(pulls < 100, `drained on after the timeout: ${pulls} chunks`);
});

Deno.test("a client that stops sending mid-body is one info line, no error and no stack", async () => {
  const lines: string[] = [];
  const errors: unknown[] = [];
  const [info, error] = [console.info, console.error];
  console.info = (line: string) => lines.push(line);
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    let sent = false;
    const dropped = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new Deno.errors.ConnectionReset("connection reset by peer"));
        else controller.enqueue(encoder.encode('{"loss": [1, 2, '));
        sent = true;
      },
    });
    const res = await post(app, "/v1/spikes", dropped);
    assertEquals(res.status, 400);
  } finally {
    [console.info, console.error] = [info, error];
  }
  assertEquals(errors, []);
  assertEquals(lines.length, 1);
  assertStringIncludes(
    lines[0],
    "POST /v1/spikes: the client stopped sending the body after 16 bytes",
  );
  assert(!lines[0].includes("    at "), "a stack trace in the log");
});

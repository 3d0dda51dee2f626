import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "./config.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { problem } from "./problem.ts";

/** The codings decoded, by their `Content-Encoding` token. */
const DECODERS: Record<string, CompressionFormat | null> = {
  identity: null,
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
};

/** JSON's whitespace: space, tab, LF, CR. */
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Where the info line of a disconnect goes (the console, or a test's list). */
export interface BodyLog {
  /** Writes one line at the info level. */
  info(line: string): void;
}

/**
 * Looks at the first bytes of a body (a chunk holding something other than whitespace): an
 * answer refuses the body there, null reads on.
 */
export type Inspect = (first: Uint8Array) => Response | null;

/**
 * The body reader for `config`, as hono middleware: reads every request body once, before any
 * route sees it, and answers for its size, its encoding, its time, and a client that goes away.
 *
 * - Size (`MAX_BODY_BYTES`): a `Content-Length` over the limit is refused before one byte is
 *   read; a body without one (chunked) is counted as it streams and refused as soon as it
 *   passes the limit; a compressed body is counted again as it is decoded, so a gzip bomb
 *   stops at the limit too (413 naming `MAX_BODY_BYTES`).
 * - Encoding: `Content-Encoding: gzip` (or `x-gzip`) and `deflate` (zlib, RFC 9110 §8.4.1.2)
 *   are decoded with the platform's `DecompressionStream`; `identity` is the body as sent; any
 *   other coding (`br`, `zstd`, `compress`…) is refused with 415 and
 *   `Accept-Encoding: gzip, deflate` (RFC 7694 §3), never taken as plain text. A body that is
 *   not what its coding says is a 400.
 * - Time (`BODY_TIMEOUT_MS`): the whole body must arrive within it; a client that sends a
 *   byte a second is answered 408 and its body abandoned. This is a bound on the network, not
 *   on the analysis, so it does not make an answer depend on the server's load.
 * - A client that disconnects mid-body is one info line (method, path, bytes received), not an
 *   error with a stack trace: it is the client's choice, not a fault of the service.
 *
 * - A route may refuse a body by its first bytes (`inspect`): `/mcp` refuses a JSON-RPC batch
 *   at its opening bracket, without reading the rest.
 *
 * Then the route reads a plain, complete body (`c.req.text()`, the MCP transport's own read):
 * the decoded bytes replace the request's, without `Content-Encoding`.
 *
 * Why not hono's `bodyLimit`: it neither decodes nor times out, and a dropped connection
 * during its read became a logged 500.
 *
 * Cost: one copy of the body (two when it is compressed), O(bytes).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { bodyReader } from "./request_body.ts";
 * const config = { ...defaultConfig, maxBodyBytes: 1000 };
 * const app = new Hono().use(bodyReader(config)).post("/", async (c) => c.text(await c.req.text()));
 * const gzip = (text: string) =>
 *   new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).bytes();
 * const post = (body: BodyInit, headers: Record<string, string> = {}) =>
 *   app.request("/", { method: "POST", body, headers });
 * const decoded = await post(await gzip("[1, 2, 3]"), { "content-encoding": "gzip" });
 * assertEquals(await decoded.text(), "[1, 2, 3]");
 * // a gzip bomb stops at the limit: 100 kB of zeros in a few hundred bytes
 * const bomb = await post(await gzip("0".repeat(100_000)), { "content-encoding": "gzip" });
 * assertEquals([bomb.status, (await bomb.json()).limit], [413, "MAX_BODY_BYTES"]);
 * assertEquals((await post("x", { "content-encoding": "br" })).status, 415);
 * ```
 */
export function bodyReader(
  config: Config,
  log: BodyLog = console,
  inspect?: Inspect,
): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (body === null) return await next();
    const codings = contentCodings(c.req.header("content-encoding"));
    if (codings instanceof Response) return codings;
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) {
      return tooLarge(config, "the body is", declared);
    }
    const read = await readStream(
      body,
      config.maxBodyBytes,
      config.bodyTimeoutMs,
      codings.length === 0 ? inspect : undefined,
    );
    if (read.kind === "refused") return read.answer;
    if (read.kind === "too-large") return tooLarge(config, "the body is");
    if (read.kind === "timeout") {
      return problem(
        408,
        `the body did not arrive within BODY_TIMEOUT_MS = ${config.bodyTimeoutMs} ms ` +
          `(${read.size} bytes came)`,
      );
    }
    if (read.kind === "failed") {
      log.info(
        `${c.req.method} ${c.req.path}: the client stopped sending the body after ` +
          `${read.size} bytes (${read.name}); no answer was sent`,
      );
      return problem(400, "the body ended before it was complete");
    }
    let bytes = read.bytes;
    for (const format of codings.toReversed()) {
      const decoded = await decode(bytes, format, config.maxBodyBytes);
      if (decoded.kind === "too-large") return tooLarge(config, "the decoded body is");
      if (decoded.kind !== "done") {
        return problem(400, `the body is not valid ${format} data (Content-Encoding)`);
      }
      bytes = decoded.bytes;
    }
    replaceBody(c, bytes, codings.length > 0);
    await next();
  };
}

/** The codings to undo, in the order they were applied, or the 415 answer. */
function contentCodings(header: string | undefined): CompressionFormat[] | Response {
  const formats: CompressionFormat[] = [];
  for (const token of (header ?? "").split(",")) {
    const coding = token.trim().toLowerCase();
    if (coding === "") continue;
    if (!Object.hasOwn(DECODERS, coding)) {
      return problem(
        415,
        `expected a body encoded with gzip, deflate or identity, found Content-Encoding ` +
          `${JSON.stringify(coding.slice(0, 40))}`,
        {},
        { "accept-encoding": "gzip, deflate" },
      );
    }
    const format = DECODERS[coding];
    if (format !== null) formats.push(format);
  }
  return formats;
}

type Read =
  | { kind: "done"; bytes: Uint8Array }
  | { kind: "too-large"; size: number }
  | { kind: "timeout"; size: number }
  | { kind: "failed"; size: number; name: string }
  | { kind: "refused"; answer: Response };

/**
 * Every byte of `stream`, at most `maxBytes` of them, within `timeoutMs` (the stream is
 * cancelled when either is passed); a stream that errors (a disconnect, a corrupt encoding)
 * is `failed`.
 */
async function readStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  timeoutMs: number,
  inspect?: Inspect,
): Promise<Read> {
  const reader = stream.getReader();
  let timedOut = false;
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
      timedOut = true;
      reader.cancel("BODY_TIMEOUT_MS").catch(() => {});
    }, timeoutMs)
    : undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) return { kind: "timeout", size };
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel("MAX_BODY_BYTES").catch(() => {});
        return { kind: "too-large", size };
      }
      chunks.push(value);
      if (inspect && value.some((byte) => !WHITESPACE.has(byte))) {
        const answer = inspect(value);
        inspect = undefined;
        if (answer) {
          reader.cancel("refused").catch(() => {});
          return { kind: "refused", answer };
        }
      }
    }
  } catch (error) {
    if (timedOut) return { kind: "timeout", size };
    return { kind: "failed", size, name: error instanceof Error ? error.name : typeof error };
  } finally {
    clearTimeout(timer);
  }
  return { kind: "done", bytes: concat(chunks, size) };
}

/** `bytes` decoded from `format`, at most `maxBytes` of the result. */
function decode(bytes: Uint8Array, format: CompressionFormat, maxBytes: number): Promise<Read> {
  const source = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  return readStream(source.pipeThrough(new DecompressionStream(format)), maxBytes, Infinity);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** The request, from here on, with the complete (decoded) body. */
function replaceBody(c: Context, bytes: Uint8Array, decoded: boolean): void {
  const headers = new Headers(c.req.raw.headers);
  if (decoded) headers.delete("content-encoding");
  headers.set("content-length", String(bytes.byteLength));
  c.req.raw = new Request(c.req.raw.url, {
    method: c.req.raw.method,
    headers,
    body: bytes as Uint8Array<ArrayBuffer>,
    signal: c.req.raw.signal,
  });
}

function tooLarge(config: Config, what: string, found?: number): Response {
  const limit = `MAX_BODY_BYTES = ${config.maxBodyBytes}`;
  return limitProblem(
    new LimitError(
      found === undefined
        ? `${what} more than ${limit} bytes`
        : `${what} ${found} bytes, more than ${limit}`,
      "MAX_BODY_BYTES",
      config.maxBodyBytes,
      found,
    ),
  );
}

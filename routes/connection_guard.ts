/** A byte stream both ways: a TCP connection (`Deno.Conn` is one). */
export interface Duplex {
  /** The bytes that arrive. */
  readable: ReadableStream<Uint8Array>;
  /** The bytes to send. */
  writable: WritableStream<Uint8Array>;
}

/** The guard's settings. */
export interface GuardOptions {
  /** `HEADER_TIMEOUT_MS`: from accepting the connection to the end of the request head. */
  headerTimeoutMs: number;
  /** Where the info line of a timed-out or oversized head goes. */
  log?: { info(line: string): void };
}

/** The largest request head read: hyper's own default is 1 MiB; 64 KiB is ample for this API. */
export const MAX_HEADER_BYTES: number = 64 * 1024;

type Head =
  | { kind: "head"; head: Uint8Array; rest: Uint8Array }
  | { kind: "timeout" | "too-large" | "closed"; size: number };

/**
 * Serves one accepted connection behind a header timeout, in front of an HTTP/1.1 server that
 * has none: the connection must send its request's headers within `HEADER_TIMEOUT_MS` of being
 * accepted, or it is answered 408 and closed; then `connect()` opens the connection to the
 * server and both directions are piped until the server has answered. Resolves when the
 * connection is done; the caller closes the sockets.
 *
 * Why: `Deno.serve` offers no header or idle timeout (denoland/deno#3515 is open; measured
 * here, a connection dribbling a header line a second stayed open past 70 s, an idle one past
 * 100 s), so 300 slowloris connections held 300 sockets for as long as they liked (issue 12).
 * `main.ts` therefore listens itself and hands each connection to {@linkcode guardConnection},
 * which reads the request head (at most `MAX_HEADER_BYTES`, 431 beyond) under the timeout,
 * then opens a connection to the server on the loopback, writes the head with
 * `Connection: close` and passes the bytes both ways untouched. One request per connection:
 * the header timeout then covers every request, without parsing bodies to find where the next
 * request starts (a client reads `Connection: close` in the answer and opens a new one). The
 * body has its own timeout in the app (`BODY_TIMEOUT_MS`, `request_body.ts`), which runs on any
 * host.
 *
 * Web streams only, so it runs and is tested without a network; `main.ts` supplies the sockets.
 *
 * Cost: one scan of the head; the body and the answer are piped (one copy each way).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { guardConnection } from "./connection_guard.ts";
 * const encoder = new TextEncoder(), decoder = new TextDecoder();
 * const streamOf = (text: string) =>
 *   new ReadableStream<Uint8Array>({
 *     start(c) {
 *       c.enqueue(encoder.encode(text));
 *       c.close();
 *     },
 *   });
 * const sink = () => {
 *   const seen = { text: "" };
 *   const writable = new WritableStream<Uint8Array>({
 *     write(chunk) {
 *       seen.text += decoder.decode(chunk);
 *     },
 *   });
 *   return { seen, writable };
 * };
 * const client = sink(), server = sink();
 * await guardConnection(
 *   {
 *     readable: streamOf("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"),
 *     writable: client.writable,
 *   },
 *   () =>
 *     Promise.resolve({
 *       readable: streamOf("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"),
 *       writable: server.writable,
 *     }),
 *   { headerTimeoutMs: 1000 },
 * );
 * // the server gets the head with Connection: close, the client the server's answer
 * assertEquals(server.seen.text, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
 * assertEquals(client.seen.text, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
 * // a connection that sends nothing is answered 408 once the timeout passes
 * const silent = sink();
 * await guardConnection(
 *   { readable: new ReadableStream(), writable: silent.writable },
 *   () => Promise.reject(new Error("not reached")),
 *   { headerTimeoutMs: 10 },
 * );
 * assertEquals(silent.seen.text.split("\r\n")[0], "HTTP/1.1 408 Request Timeout");
 * ```
 */
export async function guardConnection(
  client: Duplex,
  connect: () => Promise<Duplex>,
  options: GuardOptions,
): Promise<void> {
  const reader = client.readable.getReader();
  const head = await readHead(reader, options.headerTimeoutMs);
  if (head.kind !== "head") {
    reader.releaseLock();
    if (head.kind !== "closed") {
      options.log?.info(
        head.kind === "timeout"
          ? `a connection sent ${head.size} bytes of headers in HEADER_TIMEOUT_MS = ` +
            `${options.headerTimeoutMs} ms: answered 408 and closed`
          : `a connection sent more than ${MAX_HEADER_BYTES} bytes of headers: answered 431`,
      );
      await writeAll(client.writable, refusal(head.kind === "timeout" ? 408 : 431));
    }
    return;
  }
  reader.releaseLock();
  const server = await connect();
  const writer = server.writable.getWriter();
  await writer.write(withConnectionClose(head.head));
  if (head.rest.byteLength > 0) await writer.write(head.rest);
  writer.releaseLock();
  const answered = new AbortController();
  const upload = client.readable.pipeTo(server.writable, { signal: answered.signal })
    .catch(() => {});
  await server.readable.pipeTo(client.writable, { preventClose: true }).catch(() => {});
  answered.abort();
  await upload;
}

/** Reads until the blank line that ends a request head, within `timeoutMs`. */
async function readHead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
): Promise<Head> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel("HEADER_TIMEOUT_MS").catch(() => {});
  }, timeoutMs);
  let bytes: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) return { kind: "timeout", size: bytes.byteLength };
      if (done) return { kind: "closed", size: bytes.byteLength };
      const from = Math.max(0, bytes.byteLength - 3);
      bytes = joined(bytes, value);
      const end = headEnd(bytes, from);
      if (end >= 0) {
        return { kind: "head", head: bytes.subarray(0, end), rest: bytes.subarray(end) };
      }
      if (bytes.byteLength > MAX_HEADER_BYTES) return { kind: "too-large", size: bytes.byteLength };
    }
  } catch {
    return { kind: timedOut ? "timeout" : "closed", size: bytes.byteLength };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The index just past the head's blank line (CRLF CRLF, or LF LF), searched from `from`; −1
 * when the head has not ended yet. O(bytes).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { headEnd } from "./connection_guard.ts";
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assertEquals(headEnd(bytes("GET / HTTP/1.1\r\n\r\nbody"), 0), 18);
 * assertEquals(headEnd(bytes("GET / HTTP/1.1\r\n"), 0), -1);
 * ```
 */
export function headEnd(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.byteLength; i++) {
    if (bytes[i] !== 10) continue;
    if (bytes[i + 1] === 10) return i + 2;
    if (bytes[i + 1] === 13 && bytes[i + 2] === 10) return i + 3;
  }
  return -1;
}

/**
 * The head with its `Connection` and `Keep-Alive` headers replaced by `Connection: close`, byte
 * for byte otherwise. O(bytes).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withConnectionClose } from "./connection_guard.ts";
 * const head = new TextEncoder().encode("GET / HTTP/1.1\r\nKeep-Alive: 5\r\nHost: x\r\n\r\n");
 * assertEquals(
 *   new TextDecoder().decode(withConnectionClose(head)),
 *   "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
 * );
 * ```
 */
export function withConnectionClose(head: Uint8Array): Uint8Array {
  let text = ""; // byte for byte (header values may hold any octet)
  for (let i = 0; i < head.byteLength; i++) text += String.fromCharCode(head[i]);
  const lines = text.split(/\r?\n/).filter((line) => line !== "");
  const kept = lines.filter((line, i) => i === 0 || !/^(connection|keep-alive)\s*:/i.test(line));
  const latin1 = [...kept, "Connection: close", "", ""].join("\r\n");
  return Uint8Array.from(latin1, (c) => c.charCodeAt(0));
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const all = new Uint8Array(a.byteLength + b.byteLength);
  all.set(a);
  all.set(b, a.byteLength);
  return all;
}

/** A complete HTTP/1.1 answer refusing the request, with a problem+json body, and closing. */
function refusal(status: 408 | 431): Uint8Array {
  const [reason, detail] = status === 408
    ? ["Request Timeout", "the request's headers did not arrive within HEADER_TIMEOUT_MS"]
    : ["Request Header Fields Too Large", `the request's headers exceed ${MAX_HEADER_BYTES} bytes`];
  const body = JSON.stringify({
    type: `urn:lossdoctor:problem:${status === 408 ? "timeout" : "headers-too-large"}`,
    title: reason,
    status,
    detail,
  });
  return new TextEncoder().encode(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
  );
}

async function writeAll(writable: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = writable.getWriter();
  try {
    await writer.write(bytes);
  } catch {
    // the client is gone: nothing to tell it
  } finally {
    writer.releaseLock();
  }
}

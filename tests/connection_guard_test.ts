/**
 * The header timeout in front of `Deno.serve` (routes/connection_guard.ts), on in-memory
 * connections: a head that does not come in time is answered 408, one too large 431, and a
 * complete one reaches the server with `Connection: close`, followed by its body, while the
 * server's answer comes back untouched.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  type Duplex,
  guardConnection,
  headEnd,
  MAX_HEADER_BYTES,
  withConnectionClose,
} from "../routes/connection_guard.ts";

const encoder = new TextEncoder(), decoder = new TextDecoder();

/** A client end that sends `chunks` (each after `delayMs`) and records what it receives. */
function client(chunks: string[], delayMs = 0): Duplex & { received: () => string } {
  let at = 0, received = "";
  return {
    readable: new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (at < chunks.length) controller.enqueue(encoder.encode(chunks[at++]));
        else if (delayMs === 0) controller.close();
      },
    }),
    writable: new WritableStream<Uint8Array>({
      write(chunk) {
        received += decoder.decode(chunk);
      },
    }),
    received: () => received,
  };
}

/** A server end that records what it receives and answers `answer` once it has a head. */
function server(answer: string): Duplex & { received: () => string } {
  let received = "";
  let respond: (() => void) | undefined;
  const answered = new Promise<void>((resolve) => respond = resolve);
  return {
    writable: new WritableStream<Uint8Array>({
      write(chunk) {
        received += decoder.decode(chunk);
        if (received.includes("\r\n\r\n")) respond?.();
      },
    }),
    readable: new ReadableStream<Uint8Array>({
      async start(controller) {
        await answered;
        controller.enqueue(encoder.encode(answer));
        controller.close();
      },
    }),
    received: () => received,
  };
}

Deno.test("a head that does not arrive within HEADER_TIMEOUT_MS is answered 408, the server never asked", async () => {
  const slow = client(["POST /v1/spikes HTTP/1.1\r\n", "Host: x\r\n", "X-a: b\r\n"], 30);
  let connected = false;
  const lines: string[] = [];
  await guardConnection(slow, () => {
    connected = true;
    return Promise.resolve(server(""));
  }, { headerTimeoutMs: 50, log: { info: (line) => lines.push(line) } });
  assertStringIncludes(slow.received(), "HTTP/1.1 408 Request Timeout");
  assertStringIncludes(slow.received(), "connection: close");
  assertEquals(connected, false);
  assertEquals(lines.length, 1);
});

Deno.test("a head over MAX_HEADER_BYTES is answered 431", async () => {
  const big = client(["GET / HTTP/1.1\r\n", "X-a: " + "a".repeat(MAX_HEADER_BYTES) + "\r\n"]);
  await guardConnection(big, () => Promise.resolve(server("")), { headerTimeoutMs: 5000 });
  assertStringIncludes(big.received(), "HTTP/1.1 431");
});

Deno.test("a complete head reaches the server with Connection: close, then the body; the answer comes back", async () => {
  const head = "POST /v1/spikes HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n" +
    "Keep-Alive: timeout=5\r\nContent-Length: 7\r\n\r\n";
  const caller = client([head.slice(0, 20), head.slice(20) + "[1,", "2,3]"]);
  const answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
  const upstream = server(answer);
  await guardConnection(caller, () => Promise.resolve(upstream), { headerTimeoutMs: 5000 });
  assertEquals(
    upstream.received(),
    "POST /v1/spikes HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nConnection: close\r\n\r\n" +
      "[1,2,3]",
  );
  assertEquals(caller.received(), answer);
});

Deno.test("the head ends at its blank line, CRLF or LF, and a connection that closes is not answered", async () => {
  const bytes = (text: string) => encoder.encode(text);
  assertEquals(headEnd(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), 0), 27);
  assertEquals(headEnd(bytes("GET / HTTP/1.1\nHost: x\n\nbody"), 0), 24);
  assertEquals(headEnd(bytes("GET / HTTP/1.1\r\nHost: x\r\n"), 0), -1);
  const octets = withConnectionClose(Uint8Array.from([0x47, 0x20, 0x0d, 0x0a, 0x58, 0x3a, 0xe9]));
  assertEquals(Array.from(octets.subarray(0, 7)), [0x47, 0x20, 0x0d, 0x0a, 0x58, 0x3a, 0xe9]);
  const gone = client([]);
  await guardConnection(gone, () => Promise.reject(new Error("not asked")), {
    headerTimeoutMs: 5000,
  });
  assert(gone.received() === "", gone.received());
});

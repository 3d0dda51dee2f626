/**
 * Starts lossdoctor on Deno: the only file that knows which runtime it is on.
 *
 * Listens on `HOST` (default 0.0.0.0) and `PORT` (default 8000); limits come from the
 * environment (see `routes/config.ts` and docs/limits.md).
 *
 * `Deno.serve` has no header timeout, so the service is served on a loopback port and this
 * process listens on `HOST:PORT` itself: each connection must send its request's headers
 * within `HEADER_TIMEOUT_MS` (408 and closed otherwise), then carries that one request to the
 * server (`routes/connection_guard.ts`). The loopback port takes connections from this host
 * only. `HEADER_TIMEOUT_MS=0` serves `HOST:PORT` with `Deno.serve` directly (keep-alive, no
 * guard): for a deployment behind a proxy that enforces its own header timeout, where the
 * guard's new connection per request is a cost with nothing to show for it.
 */
import { createApp } from "./routes/app.ts";
import { configFromEnv } from "./routes/config.ts";
import { guardConnection } from "./routes/connection_guard.ts";

const config = configFromEnv((name) => Deno.env.get(name));
const app = createApp(config);
const port = Number(Deno.env.get("PORT") ?? 8000);
const hostname = Deno.env.get("HOST") ?? "0.0.0.0";

const close = (conn: Deno.Conn) => {
  try {
    conn.close();
  } catch {
    // closed already
  }
};
const announce = () =>
  console.log(`Listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}/`);

if (config.headerTimeoutMs === 0) {
  Deno.serve({ hostname, port, onListen: announce }, app.fetch);
} else {
  await guarded();
}

/** Serves through the header-timeout guard: each connection's head first, then one request. */
async function guarded(): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const listener = Deno.listen({ hostname, port });
  announce();
  for await (const conn of listener) {
    let upstream: Deno.Conn | undefined;
    guardConnection(
      conn,
      async () => upstream = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }),
      { headerTimeoutMs: config.headerTimeoutMs, log: console },
    ).catch(() => {}).finally(() => {
      close(conn);
      if (upstream) close(upstream);
    });
  }
}

/**
 * Starts lossdoctor on Deno: the only file that knows which runtime it is on.
 *
 * Listens on `HOST` (default 0.0.0.0) and `PORT` (default 8000); the limits come from the
 * environment (see `routes/config.ts` and docs/limits.md). Run as the main module only
 * (`deno task start`, Deno Deploy's entry point), so importing it serves nothing.
 *
 * `Deno.serve` has no header timeout, so the service is served on a loopback port and this
 * process listens on `HOST:PORT` itself: each connection must send its request's headers
 * within `HEADER_TIMEOUT_MS` (408 and closed otherwise), then carries that one request to the
 * server (`routes/connection_guard.ts`). The loopback port takes connections from this host
 * only. `HEADER_TIMEOUT_MS=0` serves `HOST:PORT` with `Deno.serve` directly (keep-alive, no
 * guard): for a deployment behind a proxy that enforces its own header timeout, where the
 * guard's new connection per request is a cost with nothing to show for it.
 *
 * @module
 */
import { createApp } from "./routes/app.ts";
import { type Config, configFromEnv } from "./routes/config.ts";
import { guardConnection } from "./routes/connection_guard.ts";

if (import.meta.main) {
  const config = configFromEnv((name) => Deno.env.get(name));
  const app = createApp(config);
  const port = Number(Deno.env.get("PORT") ?? 8000);
  const hostname = Deno.env.get("HOST") ?? "0.0.0.0";
  const announce = () =>
    console.log(
      `Listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}/`,
    );
  if (config.headerTimeoutMs === 0) {
    Deno.serve({ hostname, port, onListen: announce }, app.fetch);
  } else {
    await guarded(app.fetch, config, { hostname, port }, announce);
  }
}

/** Serves through the header-timeout guard: each connection's head first, then one request. */
async function guarded(
  fetch: (request: Request) => Response | Promise<Response>,
  config: Config,
  address: { hostname: string; port: number },
  announce: () => void,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, fetch);
  const listener = Deno.listen(address);
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

/** Closes a socket that may be closed already. */
function close(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // closed already
  }
}

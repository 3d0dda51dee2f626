import { readFrameworkJson, readFrameworkText } from "./framework_body.ts";
import { parsePythonJson } from "./python_json.ts";
import {
  frameworkBody,
  longestBodyArray,
  parseSeriesBody,
  type SeriesBody,
  seriesFromJson,
} from "./series_body.ts";

/** A parsed body whose loss series may be absent. */
export interface OptionalSeriesBody extends Omit<SeriesBody, "loss"> {
  /** The training loss, or null for a JSON object without one. */
  loss: Float64Array | null;
}

/**
 * Reads a body that may hold a loss series, or only other fields: what `/v1/diagnose` accepts.
 *
 * Why: a diagnosis can run on a configuration alone (dataset and batch size, a contrastive
 * set-up) with no curve at all, so a JSON object without `loss` is not an error here, as it is
 * for `/v1/spikes`. Everything else is {@linkcode parseSeriesBody}: the same media types, the
 * same sniffing, the same error messages, and JSON is parsed once (Python's NaN tokens too).
 *
 * Cost: O(n) for n characters.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseOptionalSeriesBody } from "./optional_series_body.ts";
 * const text = '{"dataset_size": 5000, "batch_size": 32}';
 * assertEquals(parseOptionalSeriesBody(text, "application/json"), {
 *   format: "json",
 *   loss: null,
 *   steps: null,
 *   fields: { dataset_size: 5000, batch_size: 32 },
 *   series: {},
 *   implied: {},
 * });
 * assertEquals([...parseOptionalSeriesBody("2.5\n2.4\n", "text/plain").loss!], [2.5, 2.4]);
 * ```
 */
export function parseOptionalSeriesBody(
  text: string,
  contentType: string | null,
  column?: string,
  maxValues: number = Infinity,
): OptionalSeriesBody {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const framework = readFrameworkText(text, column, maxValues);
  if (framework) return frameworkBody(framework);
  const start = text.trimStart()[0];
  const json = type === "application/json" || type.endsWith("+json") ||
    (!type.startsWith("text/csv") && start === "{");
  if (!json) return parseSeriesBody(text, contentType, column, maxValues);
  const value = parsePythonJson(text, longestBodyArray(maxValues));
  const fromFile = readFrameworkJson(value, maxValues);
  if (fromFile) return frameworkBody(fromFile);
  if (
    typeof value === "object" && value !== null && !Array.isArray(value) && !("loss" in value) &&
    !("log_file" in value)
  ) {
    if ("steps" in value) {
      throw new TypeError("/steps: steps were given without a loss series (`loss`)");
    }
    for (const name of ["eval_loss", "learning_rate", "grad_norm"]) {
      if (name in value) {
        throw new TypeError(`/${name}: ${name} was given without a loss series (\`loss\`)`);
      }
    }
    return {
      format: "json",
      loss: null,
      steps: null,
      fields: value as Record<string, unknown>,
      series: {},
      implied: {},
    };
  }
  return seriesFromJson(value, maxValues);
}

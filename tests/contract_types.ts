/**
 * The answers' lib types against their zod schemas, at compile time: each lib type that an
 * endpoint answers with (lib/spikes/types.ts and the like, plain TypeScript so that lib/ needs no
 * zod) must be, as JSON, exactly the type its route's zod schema gives (`z.output`). A field added
 * to one and not the other, a different enum, an optional that is not, a nullable that is not:
 * `deno check` (and so `deno test`) fails on the line of the endpoint that drifted.
 *
 * As JSON means: a number may be non-finite (written "NaN", "Infinity", "-Infinity"), a typed
 * array is an array, `readonly` is gone. So the check cannot tell a field the schema documents as
 * a plain number from one it documents as number-or-string; the contract test holds that to real
 * answers.
 */
import type { z } from "zod";
import type { LastBatchAnswer } from "../lib/batch/mod.ts";
import type { ContrastiveReport } from "../lib/contrastive/mod.ts";
import type { DiagnoseReport } from "../lib/diagnose/mod.ts";
import type { Finding } from "../lib/findings/mod.ts";
import type { SpikeReport } from "../lib/spikes/mod.ts";
import type { FindingSchema } from "../routes/common.ts";
import type { ContrastiveOutput } from "../routes/contrastive_schemas.ts";
import type { DiagnoseResponseSchema } from "../routes/diagnose_schemas.ts";
import type { LastBatchResponse } from "../routes/last-batch.ts";
import type { LogSumExpOutput, LogSumExpResponse } from "../routes/logsumexp.ts";
import type { SpikesResponseSchema } from "../routes/spikes.ts";

type NonFinite = "NaN" | "Infinity" | "-Infinity";
type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** A type as its JSON answer carries it. */
export type Wire<T> = T extends number ? number | NonFinite
  : T extends string | boolean | null | undefined ? T
  : T extends TypedArray ? (number | NonFinite)[]
  : T extends readonly (infer U)[] ? Wire<U>[]
  : T extends object ? { -readonly [K in keyof T]: Wire<T[K]> }
  : T;

/** `true` when A and B are the same type, `false` otherwise (optional and readonly count). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
  ? true
  : false;

/** `true` when the lib type and the schema's output are the same JSON. */
export type SameAnswer<Lib, Schema extends z.ZodType> = Equal<Wire<Lib>, Wire<z.output<Schema>>>;

// Each line fails to compile when its lib type and its zod schema drift apart.
export const finding: SameAnswer<Finding, typeof FindingSchema> = true;
export const spikes: SameAnswer<SpikeReport, typeof SpikesResponseSchema> = true;
export const lastBatch: SameAnswer<LastBatchAnswer, typeof LastBatchResponse> = true;
export const contrastive: SameAnswer<ContrastiveReport, typeof ContrastiveOutput> = true;
export const logSumExp: SameAnswer<LogSumExpOutput, typeof LogSumExpResponse> = true;
export const diagnose: SameAnswer<DiagnoseReport, typeof DiagnoseResponseSchema> = true;

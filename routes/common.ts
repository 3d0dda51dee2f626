/** Schemas shared by several endpoints. */
import { z } from "@hono/zod-openapi";
import { FINDING_IDS } from "../lib/findings/mod.ts";

/** A finding, as every endpoint returns it. */
export const FindingSchema = z.object({
  id: z.enum(FINDING_IDS).openapi({
    description: "From a fixed vocabulary; clients switch on it.",
  }),
  severity: z.enum(["info", "warning", "critical"]),
  title: z.string(),
  evidence: z.string().openapi({ description: "The measured numbers behind the finding." }),
  remedies: z.array(z.string()).openapi({ description: "Concrete changes, most effective first." }),
}).openapi("Finding");

/** The Markdown summary every endpoint returns. */
export const SummarySchema = z.string().openapi({
  description: "A short Markdown summary a chat bot can paste as is.",
});

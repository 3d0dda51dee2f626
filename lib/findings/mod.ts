/** Findings: the shared vocabulary of every analysis. */
export * from "./finding.ts";

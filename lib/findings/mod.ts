/**
 * Findings: the shared vocabulary of every analysis.
 *
 * @module
 */
export * from "./finding.ts";

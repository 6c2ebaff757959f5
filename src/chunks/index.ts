/**
 * The chunk-grid layer: normalising chunks, block geometry, unification, rechunk plans and
 * overlap halos. Pure and synchronous; imports only core.
 * @module
 */
export * from "./grid.js";
export * from "./unify.js";
export * from "./overlap.js";
export * from "./rechunk-plan.js";

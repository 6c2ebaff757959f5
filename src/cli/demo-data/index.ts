/**
 * The demo's synthetic light-sheet data: a seeded random generator, PSF models, and
 * `syntheticStack` (beads and filaments, blurred, with Poisson noise). Pure and synchronous;
 * the CLI writes the results with chunkwise/zarr, chunkwise/tiff and cli/pictures.
 * @module
 */
export { createRng, logFactorial, type Rng } from "./random.js";
export { airy, besselJ1, erf } from "./special.js";
export { gaussianPsf, lightSheetPsf, lightSheetPsfWidths, type LightSheetPsfOptions, type PsfWidths } from "./psf.js";
export { createBlur, type Blur } from "./blur.js";
export { syntheticStack, type SyntheticOptions, type SyntheticSize, type SyntheticStack } from "./synthetic.js";

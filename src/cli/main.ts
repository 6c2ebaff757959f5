#!/usr/bin/env node
/**
 * The `chunkwise` bin (compiled to dist/cli/main.js): runs the command line and exits with its
 * code (0 ok, 1 failure, 2 usage).
 * @module
 */
import { main } from "./run.js";

process.exitCode = await main(process.argv.slice(2));

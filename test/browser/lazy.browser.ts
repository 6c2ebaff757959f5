// Lazy gufuncs and mapOverlap computed in Chromium; lazy.test.ts compares with Node.
import { gufuncCase, mapOverlapCase } from "./cases/lazy-cases.js";
import { definePageTests } from "./harness/in-page.js";

definePageTests({ gufunc: gufuncCase, mapOverlap: mapOverlapCase });

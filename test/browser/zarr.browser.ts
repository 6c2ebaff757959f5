// Zarr in Chromium: reads over HTTP, in-memory and picked-folder writes; zarr.test.ts drives it.
import { docExample, entriesOf, folderRoundTrip, readMap, readOme, readUrl, refusePaths, storeOf, writeToMap, zipped, type Entries, type WriteCase } from "./cases/zarr-cases.js";
import { definePageTests } from "./harness/in-page.js";

definePageTests({
  readUrl,
  readOme,
  writeMap: async (c: WriteCase) => {
    const store = await writeToMap(c);
    return { values: await readMap(store), entries: entriesOf(store) };
  },
  readEntries: (entries: Entries) => readMap(storeOf(entries)),
  folderRoundTrip,
  refusePaths,
  zipped,
  docExample,
});

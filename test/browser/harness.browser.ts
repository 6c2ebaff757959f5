// The harness's own page: what the other browser tests rely on (isolation headers, Range
// requests, errors travelling back to Node).
import { definePageTests } from "./harness/in-page.js";

definePageTests({
  isolation: () => ({
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === "function",
  }),
  async range(input: { url: string; range: string }) {
    const res = await fetch(input.url, { headers: { range: input.range } });
    return { status: res.status, contentRange: res.headers.get("content-range"), bytes: [...new Uint8Array(await res.arrayBuffer())] };
  },
  throws: () => {
    throw new RangeError("thrown in the page");
  },
  consoleError: () => {
    console.error("an error logged by the page");
  },
});

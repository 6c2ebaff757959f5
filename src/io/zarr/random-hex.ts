/** `2 * bytes` random hex digits (Web Crypto's `getRandomValues`, on Node.js and in browsers alike). */
export function randomHex(bytes: number): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

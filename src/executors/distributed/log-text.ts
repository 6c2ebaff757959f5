/**
 * Strings from the queue (job ids, names, task keys, error messages that quote them) are written
 * by whoever can write to Redis: before they reach a worker's log they lose their power over the
 * terminal and the log's line structure.
 * @module
 */

// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators (the rule
// exists to catch control characters written by mistake; here they are the point).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` with every control character written as a `\uXXXX` escape (a newline, ESC, CR can then
 * neither start a fake log line nor move the cursor), cut to `max` characters with a `…` marker.
 * @example
 * ```ts
 * logSafe("evil\n\u001b[2K", 80); // "evil\\u000a\\u001b[2K"
 * ```
 */
export function logSafe(text: unknown, max = 200): string {
  const s = String(text);
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** {@link logSafe} in double quotes, for a queue-provided name inside a log line. */
export function logQuoted(text: unknown, max = 100): string {
  return `"${logSafe(text, max).replace(/"/g, '\\"')}"`;
}

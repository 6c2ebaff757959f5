/**
 * Notes: small JSON values a kernel sends about its block (`ctx.note(value)`), delivered to the
 * caller of `runGraph` with the task's result (`onNote(key, note)`), whichever executor ran it.
 * Here, the rules every executor applies where the kernel runs: a note must be JSON-able (it
 * travels as JSON to other threads and machines, and is copied as JSON in this one, so a kernel
 * cannot change it after sending) and the notes of one task are capped in count and size.
 * @module
 */
import { ValueError, show } from "../core/errors.js";

/** Most bytes of one note's JSON text. */
export const NOTE_MAX_BYTES = 4096;
/** Most notes one task may send. */
export const NOTES_MAX_PER_TASK = 64;
/** Deepest nesting of arrays and objects in a note (signed answers allow 64 levels in all). */
const NOTE_MAX_DEPTH = 16;

/**
 * The `ctx.note` of one task run: checks each note (JSON-able, at most {@link NOTE_MAX_BYTES}
 * of JSON, nested at most 16 deep, at most {@link NOTES_MAX_PER_TASK} per task), copies it through JSON and hands the
 * copy to `deliver`.
 * @param deliver - receives each checked copy, in the order the kernel sent them
 * @throws {ValueError} (from the returned function, so the kernel's task fails) for a note that is not JSON-able or too large, or one note too many
 * @example
 * ```ts
 * const notes: unknown[] = [];
 * const note = noteSink((n) => notes.push(n));
 * note({ iterations: 7 }); // notes: [{ iterations: 7 }]
 * ```
 */
export function noteSink(deliver: (note: unknown) => void): (value: unknown) => void {
  let count = 0;
  return (value: unknown): void => {
    if (++count > NOTES_MAX_PER_TASK) {
      throw new ValueError("ctx.note", `a task must send at most ${NOTES_MAX_PER_TASK} notes; got one more. Send one note that sums up the block`);
    }
    deliver(JSON.parse(noteText(value)));
  };
}

/**
 * The JSON text of a note, checked: JSON-able, at most {@link NOTE_MAX_BYTES} bytes, nested at most 16 deep.
 * @throws {ValueError} otherwise
 * @example noteText({ iterations: 7 }) // '{"iterations":7}'
 */
export function noteText(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new ValueError("ctx.note", `a note must be JSON-able; got a value JSON.stringify refuses (${e instanceof Error ? e.message : show(e)}). Send plain numbers, strings, booleans, arrays and objects`);
  }
  if (text === undefined) {
    throw new ValueError("ctx.note", `a note must be JSON-able; got ${typeof value}. Send plain numbers, strings, booleans, arrays and objects`);
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > NOTE_MAX_BYTES) {
    throw new ValueError("ctx.note", `a note must be at most ${NOTE_MAX_BYTES} bytes of JSON; got ${bytes}. Send a summary, not data (results travel as blocks)`);
  }
  if (depthOf(JSON.parse(text) as unknown) > NOTE_MAX_DEPTH) {
    throw new ValueError("ctx.note", `a note must nest arrays and objects at most ${NOTE_MAX_DEPTH} levels deep; got deeper. Send a flatter summary`);
  }
  return text;
}

function depthOf(v: unknown): number {
  if (v === null || typeof v !== "object") return 0;
  let d = 0;
  for (const x of Object.values(v)) d = Math.max(d, depthOf(x));
  return d + 1;
}

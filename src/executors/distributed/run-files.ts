/**
 * The client's side of the scratch directory during a run: which values it has written there
 * as files, which tasks still read each, and when a file can go. A value several tasks read is
 * uploaded once, even when they start together; a file goes once it has been read for the last
 * time (the scheduler's `lastUse`) and no running task still holds it. Results a worker left
 * in scratch for later tasks are held as {@link ScratchHandle}s, never read into this process.
 * @module
 */
import * as fs from "node:fs/promises";
import * as nodePath from "node:path";
import { encodeValue, inlineForm, type Encoded } from "./scratch.js";

/** A result left in scratch for later tasks (never read into this process). */
export class ScratchHandle {
  constructor(readonly file: string, readonly bytes: number) {}
}

/** A scratch file and the tasks still using it. */
export interface FileEntry {
  readonly file: string;
  /** The value (or handle) the file holds, forgotten with the file. */
  readonly owner: object;
  uses: number;
  last: boolean;
}

/** The scratch files of one client's run, in `dir`. */
export class RunFiles {
  private readonly entries = new WeakMap<object, FileEntry>();
  private readonly uploads = new WeakMap<object, Promise<FileEntry>>();

  constructor(readonly dir: string) {}

  /**
   * How a task's input travels: inline JSON when small, else the file holding it (written now
   * unless it is there already). A file used is pushed onto `held` until {@link release}.
   */
  async encodeInput(value: unknown, key: string, held: FileEntry[]): Promise<Encoded> {
    let entry = typeof value === "object" && value !== null ? this.entries.get(value) : undefined;
    if (entry === undefined) {
      const json = inlineForm(value);
      if (json !== undefined) return { json };
      entry = await this.upload(value as object, key);
    }
    entry.uses++;
    held.push(entry);
    return { file: entry.file, bytes: 0 };
  }

  /** Drops a task's hold on `held` and marks `last` as read for the last time; removes files no one needs. */
  async release(held: readonly FileEntry[], last: readonly FileEntry[]): Promise<void> {
    for (const e of held) e.uses--;
    for (const e of last) e.last = true;
    for (const e of new Set([...held, ...last])) {
      if (!e.last || e.uses !== 0) continue;
      // Forget the file with it: the same value read again (another compute) is uploaded anew.
      this.entries.delete(e.owner);
      this.uploads.delete(e.owner);
      await fs.rm(nodePath.join(this.dir, e.file), { force: true });
    }
  }

  /** A handle to a result file a worker wrote, known from now on as that file. */
  keep(file: string, bytes: number): ScratchHandle {
    const handle = new ScratchHandle(file, bytes);
    this.entries.set(handle, { file, owner: handle, uses: 0, last: false });
    return handle;
  }

  private upload(value: object, key: string): Promise<FileEntry> {
    let upload = this.uploads.get(value);
    if (upload === undefined) {
      upload = encodeValue(value, this.dir, key).then((e) => {
        const made = { file: "file" in e ? e.file : "", owner: value, uses: 0, last: false };
        this.entries.set(value, made);
        return made;
      });
      this.uploads.set(value, upload);
    }
    return upload;
  }
}

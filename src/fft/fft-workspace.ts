/**
 * Reusable float64 work buffers for line transforms. Buffers only grow, so one scratch object
 * serves every call of a plan without allocating after the first.
 * @module
 */

/**
 * Reusable work buffers for the transforms: numbered growable Float64Array slots (0 and 1 hold
 * batches of lines, 2 and 3 Bluestein's convolution). Pass one to many calls through the
 * `workspace` option so the line buffers are allocated once. Not shared between threads.
 * @example
 * ```ts
 * const workspace = new FftWorkspace();
 * for (const block of blocks) rfftn(block, { workspace });
 * ```
 */
export class FftWorkspace {
  private readonly slots: Float64Array[] = [];

  /**
   * The buffer in `slot`, at least `size` long (contents unspecified).
   * @example
   * ```ts
   * new FftWorkspace().get(0, 1024).length; // 1024
   * ```
   */
  get(slot: number, size: number): Float64Array {
    const cur = this.slots[slot];
    if (cur !== undefined && cur.length >= size) return cur;
    const next = new Float64Array(size);
    this.slots[slot] = next;
    return next;
  }

  /**
   * Total bytes held.
   * @example
   * ```ts
   * new FftWorkspace().bytes; // 0
   * ```
   */
  get bytes(): number {
    let b = 0;
    for (const s of this.slots) if (s !== undefined) b += s.byteLength;
    return b;
  }
}

import { describe, expect, it } from "vitest";
import { arange, array, zeros } from "../../src/core/creation.js";
import { BroadcastError, IndexError, ValueError } from "../../src/core/errors.js";
import { isCContiguous, toFlatArray, type Block } from "../../src/core/ndarray.js";
import {
  broadcastTo, copy, expandDims, index, normalizeAxis, parseSliceString, reshape, slice, sliceIndices, squeeze, transpose,
  type IndexItem,
} from "../../src/core/views.js";

const a234 = reshape(arange(24), [2, 3, 4]); // np.arange(24).reshape(2, 3, 4)

describe("slices follow Python's slice semantics", () => {
  it.each([
    [":", [0, 1, 2, 3, 4]], // list(range(5))[:]
    ["1:4", [1, 2, 3]], // list(range(5))[1:4]
    ["::-1", [4, 3, 2, 1, 0]], // list(range(5))[::-1]
    ["::2", [0, 2, 4]], // list(range(5))[::2]
    ["::-2", [4, 2, 0]], // list(range(5))[::-2]
    ["-2:", [3, 4]], // list(range(5))[-2:]
    [":-2", [0, 1, 2]], // list(range(5))[:-2]
    ["4:0:-1", [4, 3, 2, 1]], // list(range(5))[4:0:-1]
    ["-1:-6:-1", [4, 3, 2, 1, 0]], // list(range(5))[-1:-6:-1]
    ["10::-1", [4, 3, 2, 1, 0]], // list(range(5))[10::-1]
    ["-10:", [0, 1, 2, 3, 4]], // list(range(5))[-10:]
    ["3:1", []], // list(range(5))[3:1]
    ["::3", [0, 3]], // list(range(5))[::3]
    ["1::-2", [1]], // list(range(5))[1::-2]
    ["0:0", []], // list(range(5))[0:0]
    ["-100:100", [0, 1, 2, 3, 4]], // list(range(5))[-100:100]
    [":-100:-1", [4, 3, 2, 1, 0]], // list(range(5))[:-100:-1]
    ["2:2:-1", []], // list(range(5))[2:2:-1]
  ] as [string, number[]][])("n=5 slice=%s", (s, want) => {
    expect(toFlatArray(index(arange(5), [s]))).toEqual(want);
    const obj = parseSliceString("test", s);
    expect(toFlatArray(index(arange(5), [obj]))).toEqual(want);
  });
  it.each([
    [0, "::-1", 0], [0, ":", 0], [0, "0:1", 0], [0, "-1:", 0], [1, "::-1", 1], [1, "-1:", 1],
  ] as [number, string, number][])("n=%i slice=%s has length %i", (n, s, len) => {
    expect(sliceIndices(parseSliceString("test", s), n).length).toBe(len);
  });
  it("slice() builds the same object as a string", () => {
    expect(toFlatArray(index(arange(5), [slice(null, null, -2)]))).toEqual([4, 2, 0]);
  });
});

describe("index", () => {
  it.each([
    [[1], [3, 4], 12], // a[1]
    [[-1, -1], [4], 20], // a[-1, -1]
    [[0, 1, 2], [], 6], // a[0, 1, 2]
    [["...", 0], [2, 3], 0], // a[..., 0]
    [[0, "..."], [3, 4], 0], // a[0, ...]
    [[null, "..."], [1, 2, 3, 4], 0], // a[None, ...]
    [[":", null, 1], [2, 1, 4], 4], // a[:, None, 1]
    [["::-1", "1:", "::-2"], [2, 2, 2], 19], // a[::-1, 1:, ::-2]
    [["..."], [2, 3, 4], 0], // a[...]
    [[], [2, 3, 4], 0], // a[()]
    [[0, "5:"], [0, 4], undefined], // a[0, 5:]
  ] as [IndexItem[], number[], number | undefined][])("a=arange(24).reshape(2,3,4) index=%j shape=%j first=%j", (items, shape, first) => {
    const v = index(a234, items);
    expect(v.shape).toEqual(shape);
    expect(v.data).toBe(a234.data);
    expect(toFlatArray(v)[0]).toBe(first);
  });
  it("a[::-1, 1:, ::-2] values equal NumPy's", () => {
    // np.arange(24).reshape(2,3,4)[::-1, 1:, ::-2].ravel()
    expect(toFlatArray(index(a234, ["::-1", "1:", "::-2"]))).toEqual([19, 17, 23, 21, 7, 5, 11, 9]);
  });
  it("views of views compose (a[1][:, ::-1][0])", () => {
    expect(toFlatArray(index(index(index(a234, [1]), [":", "::-1"]), [0]))).toEqual([15, 14, 13, 12]);
  });
  it.each([
    [[2], IndexError, "index: integer index on axis 0 must be in [-2, 2); got 2"],
    [[0, -4], IndexError, "integer index on axis 1 must be in [-3, 3); got -4"],
    [[0, 0, 0, 0], IndexError, "index: index must address at most 3 axes of an array with 3 dimensions; got 4"],
    [["...", 0, "..."], IndexError, 'an index must contain at most one "..."; got 2'],
    [["::0"], IndexError, "index: slice step on axis 0 must be a nonzero integer; got 0"],
    [["1:2:3:4"], IndexError, 'index entry must be an integer, a slice such as "1:5:2", null or "..."; got "1:2:3:4"'],
    [["a:b"], IndexError, 'slice parts must be integers or empty; got "a:b"'],
    [["0"], IndexError, "index entry must be an integer"],
    [[1.5], IndexError, "integer index entries must be whole numbers; got 1.5"],
    [[{ start: 0.5 }], IndexError, "slice bounds on axis 0 must be integers; got 0.5"],
    [[true], IndexError, "index entries must be integers, slices, null or \"...\"; got true"],
  ] as [IndexItem[], typeof IndexError, string][])("index=%j throws", (items, cls, message) => {
    expect(() => index(a234, items)).toThrow(cls);
    expect(() => index(a234, items)).toThrow(message);
  });
  it("rejects a non-list index", () => {
    expect(() => index(a234, 0 as unknown as IndexItem[])).toThrow("index: index must be a list of entries; got 0");
  });
});

describe("transpose, squeeze, expandDims, broadcastTo", () => {
  it("transpose reverses by default and permutes as given (views)", () => {
    expect(transpose(a234).shape).toEqual([4, 3, 2]);
    const t = transpose(a234, [1, -1, 0]);
    expect(t.shape).toEqual([3, 4, 2]);
    expect(t.stride).toEqual([4, 1, 12]);
    expect(t.data).toBe(a234.data);
    expect(toFlatArray(t).slice(0, 4)).toEqual([0, 12, 1, 13]); // np.arange(24).reshape(2,3,4).transpose(1,2,0).ravel()[:4]
  });
  it.each([[[0, 1]], [[0, 0, 1]], [[0, 1, 3]]])("transpose axes=%j throws", (axes) => {
    expect(() => transpose(a234, axes)).toThrow(ValueError);
  });
  it("squeeze drops all or the named size-1 axes", () => {
    const x = zeros([1, 3, 1, 2]);
    expect(squeeze(x).shape).toEqual([3, 2]);
    expect(squeeze(x, 2).shape).toEqual([1, 3, 2]);
    expect(squeeze(x, [0, -2]).shape).toEqual([3, 2]);
    expect(() => squeeze(x, 1)).toThrow("squeeze: axis 1 must have size 1 to be squeezed; got size 3 in shape (1, 3, 1, 2)");
    expect(() => squeeze(x, 4)).toThrow(ValueError);
  });
  it("expandDims inserts axes at result positions", () => {
    expect(expandDims(a234, 0).shape).toEqual([1, 2, 3, 4]);
    expect(expandDims(a234, -1).shape).toEqual([2, 3, 4, 1]);
    expect(expandDims(a234, [0, 4]).shape).toEqual([1, 2, 3, 4, 1]);
    expect(() => expandDims(a234, [1, 1])).toThrow("expandDims: axis must not repeat");
    expect(() => expandDims(a234, 5)).toThrow(ValueError);
  });
  it("broadcastTo uses stride 0 and never copies", () => {
    const b = broadcastTo(array([1, 2, 3]), [2, 3]);
    expect(b.stride).toEqual([0, 1]);
    expect(toFlatArray(b)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(() => broadcastTo(array([1, 2, 3]), [2, 4])).toThrow(BroadcastError);
    expect(() => broadcastTo(zeros([2, 3]), [3])).toThrow("broadcastTo: shape (2, 3) must broadcast to (3,) without growing it");
  });
  it("normalizeAxis", () => {
    expect(normalizeAxis("f", -1, 3)).toBe(2);
    expect(() => normalizeAxis("f", 3, 3)).toThrow("f: axis must be an integer in [-3, 3) for an array with 3 dimensions; got 3");
  });
});

describe("reshape: view when strides allow, copy otherwise", () => {
  it.each([
    [[6, 4], true], [[4, 6], true], [[-1], true], [[2, -1, 2], true], [[1, 24, 1], true], [[2, 3, 2, 2], true],
  ] as [number[], boolean][])("C-contiguous arange(24).reshape(2,3,4) to %j is a view", (shape) => {
    const r = reshape(a234, shape);
    expect(r.data).toBe(a234.data);
    expect(toFlatArray(r)).toEqual(toFlatArray(a234));
  });
  it("a transposed array flattens by copying, in C order of the view", () => {
    const t = transpose(reshape(arange(6), [2, 3]));
    const r = reshape(t, [6]);
    expect(r.data).not.toBe(t.data);
    expect(toFlatArray(r)).toEqual([0, 3, 1, 4, 2, 5]); // np.arange(6).reshape(2,3).T.reshape(6)
  });
  it("merging only the contiguous axes of a sliced array stays a view", () => {
    const s = index(a234, [":", ":", "1:3"]); // shape (2, 3, 2), strides (12, 4, 1)
    const r = reshape(s, [6, 2]);
    expect(r.data).toBe(a234.data);
    expect(toFlatArray(r)).toEqual(toFlatArray(s));
    expect(reshape(s, [12]).data).not.toBe(a234.data);
    expect(toFlatArray(reshape(s, [12]))).toEqual(toFlatArray(s));
    // a[..., ::2] is evenly spaced: one stride-2 axis, so flattening it is a view too
    expect(reshape(index(a234, [":", ":", "::2"]), [12]).stride).toEqual([2]);
  });
  it("size-0 reshapes", () => {
    expect(reshape(zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
    expect(reshape(zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });
  it.each([[[5, 5]], [[-1, -1]], [[-2, 12]], [[2.5, 4]], [[0, -1]]])("shape=%j throws", (shape) => {
    expect(() => reshape(a234, shape)).toThrow("reshape: new shape must hold the array's 24 elements");
  });
  it("copy() gives an owned C-contiguous block", () => {
    const c = copy(index(a234, [":", "::-1"]));
    expect(isCContiguous(c)).toBe(true);
    expect(c.offset).toBe(0);
    expect(toFlatArray(c).slice(0, 4)).toEqual([8, 9, 10, 11]);
  });
  it("views reject non-blocks", () => {
    expect(() => transpose(null as unknown as Block)).toThrow("transpose: array must be a block");
  });
});

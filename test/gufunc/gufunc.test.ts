import { describe, expect, test } from "vitest";
import ndarray from "ndarray";
import { gufunc, type Gufunc } from "../../src/gufunc/gufunc.js";
import { arange, array, full, ones, zeros } from "../../src/core/creation.js";
import { AxisError, BindingError, BroadcastError, DtypeError, KernelError, SignatureError, ValueError } from "../../src/core/errors.js";
import { get, toFlatArray, type Block } from "../../src/core/ndarray.js";
import { reshape, transpose } from "../../src/core/views.js";

const dot = (a: Block, b: Block): number => {
  let s = 0;
  for (let k = 0; k < a.shape[0]!; k++) s += get(a, [k]) * get(b, [k]);
  return s;
};
const inner = gufunc("(i),(i)->()", dot, { name: "inner" });
const matmulKernel = (a: Block, b: Block): Block | number => {
  // "(n?,k),(k,m?)->(n?,m?)": the views arrive with missing optional dims removed.
  const A = a.shape.length === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const B = b.shape.length === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const [n, k] = A.shape as [number, number];
  const m = B.shape[1]!;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out[i * m + j]! += get(A, [i, t]) * get(B, [t, j]);
  const shape = [...(a.shape.length === 2 ? [n] : []), ...(b.shape.length === 2 ? [m] : [])];
  return shape.length === 0 ? out[0]! : array(out, { shape });
};
const matmul = gufunc("(n?,k),(k,m?)->(n?,m?)", matmulKernel, { name: "matmul" });

describe("gufunc binding follows NumPy", () => {
  test("inner (4,3)·(3,) broadcasts the loop dim", () => {
    const r = inner(ones([4, 3]), arange(3));
    expect(r.shape).toEqual([4]);
    expect(toFlatArray(r)).toEqual([3, 3, 3, 3]);
  });

  test.each([
    [[2, 3], [3, 4], [2, 4]],
    [[3], [3, 4], [4]],
    [[2, 3], [3], [2]],
    [[3], [3], []],
    [[5, 2, 3], [3], [5, 2]],
    [[5, 2, 3], [1, 3, 4], [5, 2, 4]],
  ])("matmul optional dims %j @ %j -> %j", (sa, sb, want) => {
    const r = matmul(reshape(arange(sa.reduce((x, y) => x * y, 1)), sa), reshape(arange(sb.reduce((x, y) => x * y, 1)), sb));
    expect(r.shape).toEqual(want);
  });

  test("matmul values match a hand computation", () => {
    const r = matmul(array([[1, 2], [3, 4]]), array([5, 6]));
    expect(toFlatArray(r)).toEqual([17, 39]);
  });

  test("frozen dims: cross product (3),(3)->(3)", () => {
    const cross = gufunc("(3),(3)->(3)", (a: Block, b: Block) => {
      const [a0, a1, a2] = [0, 1, 2].map((i) => get(a, [i])) as [number, number, number];
      const [b0, b1, b2] = [0, 1, 2].map((i) => get(b, [i])) as [number, number, number];
      return array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]);
    });
    const r = cross(array([[1, 0, 0], [0, 1, 0]]), array([0, 1, 0]));
    expect(r.shape).toEqual([2, 3]);
    expect(toFlatArray(r)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(() => cross(ones([2, 4]), ones([4]))).toThrow(BindingError);
  });

  test("size-0 loop dim gives an empty output without calling the kernel", () => {
    let calls = 0;
    const g = gufunc("(i)->()", () => (calls++, 0));
    const r = g(zeros([0, 5]));
    expect(r.shape).toEqual([0]);
    expect(calls).toBe(0);
  });

  test("axes moves core dims; outputs too", () => {
    const a = reshape(arange(24, undefined, 1, { dtype: "float64" }), [2, 3, 4]);
    const r = inner.apply([a, arange(3)], { axes: [1, 0, []] });
    expect(r).toMatchObject({ shape: [2, 4] });
    const cumsum = gufunc("(i)->(i)", (x: Block) => {
      let s = 0;
      return array(toFlatArray(x).map((v) => (s += v)));
    });
    const c = cumsum.apply([a], { axes: [1, 1] }) as Block;
    expect(c.shape).toEqual([2, 3, 4]);
    expect(get(c, [0, 2, 1])).toBe(1 + 5 + 9);
  });

  test("axis selects the single shared core dim", () => {
    const a = reshape(arange(12, undefined, 1, { dtype: "float64" }), [3, 4]);
    const r = inner.apply([a, arange(3)], { axis: 0 }) as Block;
    expect(toFlatArray(r)).toEqual([20, 23, 26, 29]);
  });

  test("keepdims re-adds the core dims as size 1 (last, or at axis; outputs left out of axes keep them last, as NumPy)", () => {
    const a = reshape(arange(12, undefined, 1, { dtype: "float64" }), [3, 4]);
    expect((inner.apply([a, arange(4)], { keepdims: true }) as Block).shape).toEqual([3, 1]);
    expect((inner.apply([a, arange(3)], { axes: [0, 0], keepdims: true }) as Block).shape).toEqual([4, 1]);
    expect((inner.apply([a, arange(3)], { axes: [0, 0, [0]], keepdims: true }) as Block).shape).toEqual([1, 4]);
    expect((inner.apply([a, arange(3)], { axis: 0, keepdims: true }) as Block).shape).toEqual([1, 4]);
  });

  test("optional dims: a missing one counts as size 1, so (1?,n) binds a 1-d input; keepdims keeps input 0's core count as written", () => {
    expect((gufunc("(1?,n)->(n)", (x: Block) => x)(ones([2])) as Block).shape).toEqual([2]);
    expect((gufunc("(n?)->()", () => 1).apply([ones([])], { keepdims: true }) as Block).shape).toEqual([1]);
    const g = gufunc("(n?,k),(n?,k)->()", () => 1);
    expect((g.apply([ones([4]), ones([4])], { keepdims: true }) as Block).shape).toEqual([1, 1]);
    expect((g.apply([ones([2, 4]), ones([4])], { keepdims: true }) as Block).shape).toEqual([2, 1, 1]);
  });

  test("several outputs come back as a tuple", () => {
    const minmax = gufunc("(i)->(),()", (x: Block) => {
      const v = toFlatArray(x);
      return [Math.min(...v), Math.max(...v)];
    });
    const [lo, hi] = minmax(reshape(arange(6, undefined, 1, { dtype: "float64" }), [2, 3]));
    expect(toFlatArray(lo)).toEqual([0, 3]);
    expect(toFlatArray(hi)).toEqual([2, 5]);
  });

  test("output-only dim from outputSizes (number or function) or the first call", () => {
    const pairs = (x: Block) => array(Array.from({ length: (x.shape[0]! * (x.shape[0]! - 1)) / 2 }, (_, i) => i));
    const a = ones([2, 4, 3]);
    expect(gufunc("(n,d)->(p)", pairs).apply([a]) as Block).toMatchObject({ shape: [2, 6] });
    expect(gufunc("(n,d)->(p)", pairs, { outputSizes: { p: 6 } })(a).shape).toEqual([2, 6]);
    expect(gufunc("(n,d)->(p)", pairs, { outputSizes: { p: (s) => (s.n! * (s.n! - 1)) / 2 } })(a).shape).toEqual([2, 6]);
    expect(() => gufunc("(n,d)->(p)", pairs, { outputSizes: { p: 5 } })(a)).toThrow(KernelError);
    expect(() => gufunc("(n,d)->(p)", pairs)(zeros([0, 4, 3]))).toThrow(/outputSizes must give output-only core dim 'p'/);
  });

  test("preallocated outputs are written by the kernel", () => {
    const scale = gufunc("(i)->(i)", (x: Block, _p: unknown, ctx: { out: Block[] }) => {
      const o = ctx.out[0]!;
      for (let k = 0; k < x.shape[0]!; k++) o.data[o.offset + k * o.stride[0]!] = 2 * get(x, [k]);
    }, { preallocated: true });
    expect(toFlatArray(scale(reshape(arange(6, undefined, 1, { dtype: "float64" }), [2, 3])))).toEqual([0, 2, 4, 6, 8, 10]);
  });

  test("params and the loop index reach the kernel", () => {
    const seen: unknown[] = [];
    const g = gufunc("()->()", (x: Block, p: { k: number }, ctx: { index: number[] }) => (seen.push(ctx.index), get(x, []) * p.k), { params: { k: 3 } });
    expect(toFlatArray(g(arange(2, undefined, 1, { dtype: "float64" })))).toEqual([0, 3]);
    expect(seen).toEqual([[0], [1]]);
  });

  test("default output dtype is the common float type; outputDtypes declares it", () => {
    const id = (x: Block) => get(x, []);
    expect(gufunc("()->()", id)(ones([2], { dtype: "uint16" })).dtype).toBe("float32");
    expect(gufunc("()->()", id)(ones([2], { dtype: "int32" })).dtype).toBe("float64");
    expect(gufunc("()->()", id, { outputDtypes: "uint8" })(ones([2], { dtype: "float64" })).dtype).toBe("uint8");
  });

  test("scijs ndarrays, strided views and numbers are accepted", () => {
    const nd = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(toFlatArray(inner(nd, array([1, 1, 1])))).toEqual([6, 15]);
    expect(toFlatArray(inner(transpose(reshape(arange(6, undefined, 1, { dtype: "float64" }), [3, 2])), array([1, 1, 1])))).toEqual([6, 9]);
    expect(toFlatArray(gufunc("(),()->()", (a: Block, b: Block) => get(a, []) + get(b, []))(arange(3, undefined, 1, { dtype: "float64" }), 10))).toEqual([10, 11, 12]);
  });

  test("the light-sheet shapes: (2,3,16,32,32) against (2,1,5,7,7)", () => {
    const seen: number[][] = [];
    const g = gufunc("(i,j,k),(a,b,c)->(i,j,k)", (img: Block, psf: Block, _p: unknown, ctx: { index: number[] }) => {
      expect(img.shape).toEqual([16, 32, 32]);
      expect(psf.shape).toEqual([5, 7, 7]);
      seen.push([...ctx.index]);
      return full(img.shape, ctx.index[0]! * 10 + ctx.index[1]!, { dtype: "float32" });
    }, { outputDtypes: "float32" });
    const r = g(zeros([2, 3, 16, 32, 32], { dtype: "uint16" }), zeros([2, 1, 5, 7, 7], { dtype: "float32" }));
    expect(r.shape).toEqual([2, 3, 16, 32, 32]);
    expect(seen).toHaveLength(6);
    expect(get(r, [1, 2, 0, 0, 0])).toBe(12);
  });
});

describe("bad values give clear errors", () => {
  const id = (x: Block) => x;
  test.each<[string, () => unknown, new (...a: any[]) => Error, RegExp]>([
    ["signature not a string", () => gufunc(42 as unknown as string, id), SignatureError, /must be a string/],
    ["signature malformed", () => gufunc("(i j)->()", id), SignatureError, /position 3/],
    ["kernel not a function", () => gufunc("(i)->(i)", "f" as never), ValueError, /kernel must be a function/],
    ["unknown option", () => gufunc("(i)->(i)", id, { vectorise: true } as never), ValueError, /'vectorise'/],
    ["vectorize not boolean", () => gufunc("(i)->(i)", id, { vectorize: 1 as never }), ValueError, /vectorize must be true or false/],
    ["outputDtypes unknown", () => gufunc("(i)->(i)", id, { outputDtypes: "float16" as never }), DtypeError, /outputDtypes/],
    ["outputDtypes wrong count", () => gufunc("(i)->(i),(i)", id, { outputDtypes: ["float32"] }), DtypeError, /list of 2/],
    ["params with a function", () => gufunc("(i)->(i)", id, { params: { f: () => 1 } }), ValueError, /params must be JSON/],
    ["params with NaN", () => gufunc("(i)->(i)", id, { params: { x: NaN } }), ValueError, /params must be JSON/],
    ["params with a typed array", () => gufunc("(i)->(i)", id, { params: new Float32Array(2) }), ValueError, /params must be JSON/],
    ["outputSizes unknown dim", () => gufunc("(i)->(p)", id, { outputSizes: { q: 2 } }), ValueError, /'q'/],
    ["outputSizes negative", () => gufunc("(i)->(p)", id, { outputSizes: { p: -1 } }), ValueError, /non-negative integer/],
    ["keepdims for a signature without core dims", () => gufunc("(),()->()", id, { keepdims: false }), ValueError, /keepdims must not be given for signature "\(\),\(\)->\(\)", which has no core dims/],
  ])("%s", (_label, make, cls, message) => {
    expect(make).toThrow(cls);
    expect(make).toThrow(message);
  });

  const call = (g: Gufunc, inputs: unknown[], opts = {}) => () => g.apply(inputs as Block[], opts);
  test.each<[string, () => unknown, new (...a: any[]) => Error, RegExp]>([
    ["too many inputs", call(inner, [ones([3]), ones([3]), ones([3])]), BindingError, /number of inputs must be 2.*got 3/],
    ["too few inputs", call(inner, [ones([3])]), BindingError, /number of inputs must be 2.*got 1/],
    ["plain array input", call(inner, [[1, 2, 3], ones([3])]), ValueError, /input 0 must be a block.*plain JavaScript array/],
    ["null input", call(inner, [null, ones([3])]), ValueError, /input 0 must be a block/],
    ["string input", call(inner, ["abc", ones([3])]), ValueError, /input 0 must be a block/],
    ["core mismatch", call(inner, [ones([4, 3]), ones([4])]), BindingError, /core dim 'i' of input 1 .*must have size 3.*got 4.*never broadcast/],
    ["core size 1 never broadcasts", call(inner, [ones([3]), ones([1])]), BindingError, /never broadcast/],
    ["too few dims", call(matmul, [ones([3]), ones([])]), BindingError, /input 1 must have at least 1 dimensions/],
    ["loop dims disagree", call(inner, [ones([2, 3]), ones([4, 3])]), BroadcastError, /loop shapes \(2,\) and \(4,\)/],
    ["axes wrong length", call(matmul, [ones([2, 2]), ones([2, 2])], { axes: [[0, 1]] }), ValueError, /axes must have an entry for each of the 3/],
    ["axes entry wrong size", call(inner, [ones([2, 3]), ones([3])], { axes: [[0, 1], 0] }), ValueError, /axes entry 0 \(input 0\) must list 1 axis/],
    ["axes out of range", call(inner, [ones([2, 3]), ones([3])], { axes: [2, 0] }), AxisError, /must be in \[-2, 2\).*got 2/],
    ["axes repeated in an entry", call(matmul, [ones([2, 2]), ones([2, 2])], { axes: [[1, 1], [0, 1], [0, 1]] }), AxisError, /must not repeat an axis/],
    ["axis with two core dims", call(matmul, [ones([2, 2]), ones([2, 2])], { axis: 0 }), ValueError, /single shared core dim/],
    ["axis and axes together", call(inner, [ones([3]), ones([3])], { axis: 0, axes: [0, 0] }), ValueError, /only one of axis and axes/],
    ["axis out of range", call(inner, [ones([3]), ones([3])], { axis: 3 }), AxisError, /got 3/],
    ["keepdims unsupported", call(matmul, [ones([2, 2]), ones([2, 2])], { keepdims: true }), ValueError, /keepdims may be used only/],
    ["keepdims not boolean", call(inner, [ones([3]), ones([3])], { keepdims: "yes" }), ValueError, /keepdims must be true or false/],
    ["missing frozen optional dim (3?) on 0-d", call(gufunc("(3?)->()", () => 0), [ones([])]), BindingError, /optional frozen core dim '3\?' of input 0 \(shape \(\)\) must be present.*counts as size 1.*got it missing/],
    ["missing frozen optional dim (3?,n) on (2,)", call(gufunc("(3?,n)->(n)", id), [ones([2])]), BindingError, /'3\?' of input 0 \(shape \(2,\)\) must be present/],
    ["axes for ()->()", call(gufunc("()->()", () => 0), [ones([3])], { axes: [[], []] }), ValueError, /axes must not be given for signature "\(\)->\(\)".*Drop axes/],
    ["axis for (),()->()", call(gufunc("(),()->()", () => 0), [ones([3]), ones([])], { axis: 0 }), ValueError, /axis must not be given/],
    ["keepdims: true for ()->()", call(gufunc("()->()", () => 0), [ones([3])], { keepdims: true }), ValueError, /keepdims must not be given/],
    ["axis moving an output's two core dims", call(gufunc("(i)->(i,i)", id), [ones([2, 3])], { axis: 0 }), ValueError, /axis must name the last axis \(-1\) when output 0 has 2 core dims/],
    ["axis out of range for an output (loop dims + 1)", call(gufunc("(i,i)->()", () => 0), [ones([1, 2, 2])], { axis: 2, keepdims: true }), AxisError, /axis for output 0 must be in \[-2, 2\)/],
  ])("%s", (_label, run, cls, message) => {
    expect(run).toThrow(cls);
    expect(run).toThrow(message);
  });

  test.each<[string, (x: Block) => unknown, RegExp]>([
    ["wrong core shape", () => ones([4]), /output 0 must have core shape \(3,\); got \(4,\) at loop index \(0,\)/],
    ["wrong dtype", (x) => ones(x.shape, { dtype: "float32" }), /output 0 must have dtype float64; got float32/],
    ["undefined", () => undefined, /must be a block.*forget to return/],
    ["a plain array", () => [1, 2, 3], /must be a block/],
  ])("kernel returning %s is a KernelError", (_label, kernel, message) => {
    const g = gufunc("(i)->(i)", kernel, { outputDtypes: "float64" });
    expect(() => g(ones([2, 3]))).toThrow(KernelError);
    expect(() => g(ones([2, 3]))).toThrow(message);
  });

  test("a kernel that throws: KernelError with the loop index and the cause", () => {
    const boom = new RangeError("boom");
    const g = gufunc("()->()", (_x: Block, _p: unknown, ctx: { index: number[] }) => {
      if (ctx.index[0] === 1) throw boom;
      return 0;
    });
    try {
      g(ones([3]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KernelError);
      expect((e as KernelError).index).toEqual([1]);
      expect((e as KernelError).cause).toBe(boom);
      expect(String(e)).toMatch(/RangeError: boom at loop index \(1,\)/);
    }
  });

  test("a two-output kernel returning one value", () => {
    const g = gufunc("(i)->(),()", () => 1);
    expect(() => g(ones([3]))).toThrow(/must return a list of 2 outputs/);
  });
});

describe("one loop index: the kernel's own result is the output, never a copy of it", () => {
  // A lazy block that is one core (a volume per chunk) calls its kernel once: a 632 MB result
  // copied into a preallocated output held the volume twice (docs/deconvolution.md).
  const fresh = (x: Block): Block => array(Float64Array.from(toFlatArray(x), (v) => 2 * v), { shape: [...x.shape] });
  const double = gufunc("(i,j)->(i,j)", fresh, { name: "double" });

  test("a (1, 1, 3, 4) block: the output is the kernel's block with the loop dims in front", () => {
    let made: Block | undefined;
    const g = gufunc("(i,j)->(i,j)", (x: Block) => (made = fresh(x)), { name: "double" });
    const r = g(reshape(arange(12), [1, 1, 3, 4]));
    expect(r.shape).toEqual([1, 1, 3, 4]);
    expect(r.data).toBe(made!.data);
    expect(toFlatArray(r)).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i));
  });

  test("core dims only (no loop dims): the same", () => {
    const r = double(reshape(arange(6), [2, 3]));
    expect(r.shape).toEqual([2, 3]);
    expect(toFlatArray(r)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  test("a result that is a view of an input is copied: the output never aliases an input", () => {
    const identity = gufunc("(i,j)->(i,j)", (x: Block) => x, { name: "identity", outputDtypes: "int32" });
    const x = reshape(arange(6), [1, 2, 3]);
    const r = identity(x);
    expect(r.data.buffer).not.toBe(x.data.buffer);
    x.data[0] = 99;
    expect(toFlatArray(r)).toEqual([0, 1, 2, 3, 4, 5]);
    // A transposed view of the input: copied with its values in the view's order.
    const t = gufunc("(i,j)->(j,i)", (v: Block) => transpose(v), { name: "t", outputDtypes: "int32" })(reshape(arange(6), [1, 2, 3]));
    expect(t.shape).toEqual([1, 3, 2]);
    expect(toFlatArray(t)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  test("two outputs returned as one block: the second is a copy", () => {
    const both = gufunc("(i)->(i),(i)", (x: Block) => {
      const b = fresh(x);
      return [b, b];
    }, { name: "both" });
    const [a, b] = both(reshape(arange(3), [1, 3])) as unknown as [Block, Block];
    expect(a.data).not.toBe(b.data);
    expect(toFlatArray(a)).toEqual([0, 2, 4]);
    expect(toFlatArray(b)).toEqual([0, 2, 4]);
  });

  test("a scalar core and an output-only dim sized by the call", () => {
    expect(toFlatArray(inner(ones([1, 3]), arange(3)))).toEqual([3]);
    const grow = gufunc("(i)->(j)", (x: Block) => array(new Float64Array(x.shape[0]! + 2).fill(7), { shape: [x.shape[0]! + 2] }), { name: "grow" });
    const r = grow(ones([1, 3]));
    expect(r.shape).toEqual([1, 5]);
    expect(toFlatArray(r)).toEqual([7, 7, 7, 7, 7]);
  });

  test("several loop indices still fill one output block, with the same values", () => {
    let last: Block | undefined;
    const g = gufunc("(i,j)->(i,j)", (x: Block) => (last = fresh(x)), { name: "double" });
    const r = g(reshape(arange(12), [2, 2, 3]));
    expect(r.data).not.toBe(last!.data);
    expect(toFlatArray(r)).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i));
  });

  test("a result of the wrong shape or dtype is still refused", () => {
    const wrong = gufunc("(i,j)->(i,j)", () => zeros([2, 2]), { name: "wrong" });
    expect(() => wrong(ones([1, 3, 3]))).toThrow(KernelError);
    const f32 = gufunc("(i,j)->(i,j)", (x: Block) => fresh(x), { name: "f32", outputDtypes: "float32" });
    expect(() => f32(ones([1, 2, 2]))).toThrow(/must have dtype float32; got float64/);
  });
});

import { describe, expect, test } from "vitest";
import { SignatureError } from "../../src/core/errors.js";
import { formatSignature, parseSignature, type CoreDim } from "../../src/gufunc/signature.js";

/** Shorthand for expected dims: "n", "n?", "3", "3?". */
function d(text: string): CoreDim {
  const optional = text.endsWith("?");
  const name = optional ? text.slice(0, -1) : text;
  const frozen = /^\d+$/.test(name) ? Number(name) : undefined;
  return { name, frozen, optional };
}
const args = (...list: string[][]): CoreDim[][] => list.map((a) => a.map(d));

// [text, canonical text, inputs, outputs, dimNames]; the NumPy cases are from
// numpy/_core/tests/test_ufunc.py (test_signature0..10), which call the compiled parser.
const VALID: [string, string, CoreDim[][], CoreDim[][], string[]][] = [
  ["(i),(i)->()", "(i),(i)->()", args(["i"], ["i"]), args([]), ["i"]],
  ["(),()->()", "(),()->()", args([], []), args([]), []],
  ["(i1,i2),(J_1)->(_kAB)", "(i1,i2),(J_1)->(_kAB)", args(["i1", "i2"], ["J_1"]), args(["_kAB"]), ["i1", "i2", "J_1", "_kAB"]],
  ["(i1, i12),   (J_1)->(i12, i2)", "(i1,i12),(J_1)->(i12,i2)", args(["i1", "i12"], ["J_1"]), args(["i12", "i2"]), ["i1", "i12", "J_1", "i2"]],
  ["(n,k),(k,m)->(n,m)", "(n,k),(k,m)->(n,m)", args(["n", "k"], ["k", "m"]), args(["n", "m"]), ["n", "k", "m"]],
  ["(n?,k),(k,m?)->(n?,m?)", "(n?,k),(k,m?)->(n?,m?)", args(["n?", "k"], ["k", "m?"]), args(["n?", "m?"]), ["n", "k", "m"]],
  ["(3)->()", "(3)->()", args(["3"]), args([]), ["3"]],
  ["(3),(03,3),(n)->(9)", "(3),(3,3),(n)->(9)", args(["3"], ["3", "3"], ["n"]), args(["9"]), ["3", "n", "9"]],
  ["(3?),(3?,3?),(n)->(9)", "(3?),(3?,3?),(n)->(9)", args(["3?"], ["3?", "3?"], ["n"]), args(["9"]), ["3", "n", "9"]],
  ["(  3)  -> ( )", "(3)->()", args(["3"]), args([]), ["3"]],
  ["( 3? ) , (3? ,  3?) ,(n )-> ( 9)", "(3?),(3?,3?),(n)->(9)", args(["3?"], ["3?", "3?"], ["n"]), args(["9"]), ["3", "n", "9"]],
  // ours
  ["(i,j),(j,k)->(i,k)", "(i,j),(j,k)->(i,k)", args(["i", "j"], ["j", "k"]), args(["i", "k"]), ["i", "j", "k"]],
  ["(i,j,k),(a,b,c)->(i,j,k)", "(i,j,k),(a,b,c)->(i,j,k)", args(["i", "j", "k"], ["a", "b", "c"]), args(["i", "j", "k"]), ["i", "j", "k", "a", "b", "c"]],
  ["(m,n)->(m),(n)", "(m,n)->(m),(n)", args(["m", "n"]), args(["m"], ["n"]), ["m", "n"]],
  ["()->()", "()->()", args([]), args([]), []],
  ["->()", "->()", [], args([]), []],
  ["  ->  (i)  ", "->(i)", [], args(["i"]), ["i"]],
  ["\t(i)\t->\t(i)\t", "(i)->(i)", args(["i"]), args(["i"]), ["i"]],
  ["(i)->(j?)", "(i)->(j?)", args(["i"]), args(["j?"]), ["i", "j"]],
  ["(n)->(n,3)", "(n)->(n,3)", args(["n"]), args(["n", "3"]), ["n", "3"]],
  ["(_)->(_)", "(_)->(_)", args(["_"]), args(["_"]), ["_"]],
  ["(007?)->(7?)", "(7?)->(7?)", args(["7?"]), args(["7?"]), ["7"]],
  ["(9007199254740991)->()", "(9007199254740991)->()", args(["9007199254740991"]), args([]), ["9007199254740991"]],
  ["(i)->(),(),()", "(i)->(),(),()", args(["i"]), args([], [], []), ["i"]],
  ["(I,i)->(I)", "(I,i)->(I)", args(["I", "i"]), args(["I"]), ["I", "i"]],
];

describe("parseSignature valid", () => {
  test.each(VALID)("sig=%j", (text, canonical, inputs, outputs, dimNames) => {
    const sig = parseSignature(text);
    expect(sig).toStrictEqual({ text: canonical, inputs, outputs, dimNames });
    expect(formatSignature(sig)).toBe(canonical);
    expect(parseSignature(canonical)).toStrictEqual(sig);
  });

  test("result is deeply frozen", () => {
    const sig = parseSignature("(i,3?)->(i)");
    expect(Object.isFrozen(sig)).toBe(true);
    expect(Object.isFrozen(sig.inputs)).toBe(true);
    expect(Object.isFrozen(sig.inputs[0])).toBe(true);
    expect(Object.isFrozen(sig.inputs[0]?.[1])).toBe(true);
    expect(Object.isFrozen(sig.dimNames)).toBe(true);
  });
});

const COMMA_PAREN = "expected ',' or ')'";
const COMMA_ARROW = "expected ',' or '->'";
const COMMA_END = "expected ',' or end of signature";
const OPEN = "expected '('";
const DIM = "expected dim name or non-zero frozen size";
const EOS = "unexpected end of signature";
const TRAIL = "',' must not be followed by ')'";
const BIG = "frozen size must be at most 9007199254740991; got";

// [text, message start, position]; NumPy gives the same position for each, and the same
// message except where it depends on nin/nout (COMMA_ARROW, COMMA_END) or on our size cap.
const INVALID: [string, string, number][] = [
  ["(i j)->()", COMMA_PAREN, 3],
  ["", OPEN, 0],
  ["   ", OPEN, 3],
  ["i->()", OPEN, 0],
  [",(i)->()", OPEN, 0],
  ["\n(i)->()", OPEN, 0],
  ["(i)", COMMA_ARROW, 3],
  ["(i),(j)", COMMA_ARROW, 7],
  ["(i)(j)->()", COMMA_ARROW, 3],
  ["(i)- >()", COMMA_ARROW, 3],
  ["(i)-()", COMMA_ARROW, 3],
  ["(i)>()", COMMA_ARROW, 3],
  ["(i)=>()", COMMA_ARROW, 3],
  ["(i)\n->()", COMMA_ARROW, 3],
  ["(i)->", OPEN, 5],
  ["(i)->  ", OPEN, 7],
  ["->", OPEN, 2],
  ["(i)->i", OPEN, 5],
  ["(i)->()(j)", COMMA_END, 7],
  ["(i)->(),", OPEN, 8],
  ["(i)->(), ", OPEN, 9],
  ["(i),->()", OPEN, 4],
  ["(i) ,  ->()", OPEN, 7],
  ["(i)->(j)->(k)", COMMA_END, 8],
  ["(i)->(j)x", COMMA_END, 8],
  ["(i)->(j) (k)", COMMA_END, 9],
  ["(i)->()\n", COMMA_END, 7],
  ["(i)->()\0", COMMA_END, 7],
  ["(i)->() )", COMMA_END, 8],
  ["(", EOS, 1],
  ["(i,", EOS, 3],
  ["(i, ", EOS, 4],
  ["(i)->(j,", EOS, 8],
  ["(i", COMMA_PAREN, 2],
  ["(i ", COMMA_PAREN, 3],
  ["(i,)->()", TRAIL, 3],
  ["(i, )->()", TRAIL, 4],
  ["(i)->(i,)", TRAIL, 8],
  ["(i)-> ( i , )", TRAIL, 12],
  ["(,i)->()", DIM, 1],
  ["(i,,j)->()", DIM, 3],
  ["((i))->()", DIM, 1],
  ["(i),)i(->()", OPEN, 4],
  ["(?)->()", DIM, 1],
  ["(é)->()", DIM, 1],
  ["(-i)->()", DIM, 1],
  ["(0)->()", DIM, 1],
  ["(00)->()", DIM, 1],
  ["(0?)->()", DIM, 1],
  ["(3a)->()", DIM, 1],
  ["(3_)->()", DIM, 1],
  ["(0x3)->()", DIM, 1],
  ["(i)->(12b)", DIM, 6],
  ["(-3)->()", DIM, 1],
  ["(+0)->()", DIM, 1],
  ["(\t-3)->()", DIM, 2],
  ["(+3)->()", COMMA_PAREN, 1], // strtoll reads "+3", but the name ends before '+'
  ["( \n3)->()", COMMA_PAREN, 2], // strtoll skips '\n'; the tokenizer does not
  ["(3.5)->()", COMMA_PAREN, 2],
  ["(3 4)->()", COMMA_PAREN, 3],
  ["(i??)->()", COMMA_PAREN, 3],
  ["(i ?)->()", COMMA_PAREN, 3],
  ["(i?j)->()", COMMA_PAREN, 3],
  ["(ié)->()", COMMA_PAREN, 2],
  ["(i-j)->()", COMMA_PAREN, 2],
  ["(i\n)->()", COMMA_PAREN, 2],
  ["(i\r)->()", COMMA_PAREN, 2],
  ["(i\u00a0)->()", COMMA_PAREN, 2],
  ["(i;j)->()", COMMA_PAREN, 2],
  ["(9007199254740992)->()", BIG, 1],
  ["(99999999999999999999)->()", BIG, 1],
  ["(i)->(0001e3)", DIM, 6],
];

describe("parseSignature invalid", () => {
  test.each(INVALID)("sig=%j -> %s at %i", (text, message, position) => {
    let error: unknown;
    try {
      parseSignature(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SignatureError);
    const err = error as SignatureError;
    expect(err.fn).toBe("parseSignature");
    expect(err.signature).toBe(text);
    expect(err.position).toBe(position);
    expect(err.message.startsWith(`parseSignature: ${message}`)).toBe(true);
    expect(err.message.endsWith(` at position ${position} in ${JSON.stringify(text)}`)).toBe(true);
  });

  test("exact message for sig=\"(i j)->()\"", () => {
    expect(() => parseSignature("(i j)->()")).toThrow(
      new SignatureError("parseSignature", `expected ',' or ')' at position 3 in "(i j)->()"`, "(i j)->()", 3),
    );
    expect(() => parseSignature("(i j)->()")).toThrowError(
      /^parseSignature: expected ',' or '\)' at position 3 in "\(i j\)->\(\)"$/,
    );
  });
});

// [text, position of the offending occurrence, expected message]; NumPy says "? cannot be
// used, name already seen without ?" or "? must be used, name already seen with ?".
const INCONSISTENT: [string, number, string][] = [
  ["(n)->(n?)", 6, `dim 'n' must use '?' consistently; got 'n?' at position 6 in "(n)->(n?)" after 'n' at position 1. Mark every 'n' with '?' or none.`],
  ["(i?)->(i)", 7, `dim 'i' must use '?' consistently; got 'i' at position 7 in "(i?)->(i)" after 'i?' at position 1. Mark every 'i' with '?' or none.`],
  ["(i?, i)->()", 5, `dim 'i' must use '?' consistently; got 'i' at position 5 in "(i?, i)->()" after 'i?' at position 1. Mark every 'i' with '?' or none.`],
  ["(3?),(3)->()", 6, `dim '3' must use '?' consistently; got '3' at position 6 in "(3?),(3)->()" after '3?' at position 1. Mark every '3' with '?' or none.`],
  ["(03?),(3)->()", 7, `dim '3' must use '?' consistently; got '3' at position 7 in "(03?),(3)->()" after '3?' at position 1. Mark every '3' with '?' or none.`],
  ["(m,n?),(n,p)->()", 8, `dim 'n' must use '?' consistently; got 'n' at position 8 in "(m,n?),(n,p)->()" after 'n?' at position 3. Mark every 'n' with '?' or none.`],
  // NumPy checks '?' before the separator, so this fails on '?' rather than on '+'.
  ["(3?,+3)->()", 4, `dim '3' must use '?' consistently; got '3' at position 4 in "(3?,+3)->()" after '3?' at position 1. Mark every '3' with '?' or none.`],
];

describe("parseSignature '?' consistency", () => {
  test.each(INCONSISTENT)("sig=%j at %i", (text, position, message) => {
    expect(() => parseSignature(text)).toThrowError(`parseSignature: ${message}`);
    try {
      parseSignature(text);
    } catch (e) {
      expect((e as SignatureError).position).toBe(position);
    }
  });
});

const NOT_STRINGS: [string, unknown][] = [
  ["42", 42],
  ["null", null],
  ["undefined", undefined],
  ["String object", new String("(i)->(i)")],
  ["array", ["(i)->(i)"]],
  ["object", { text: "(i)->(i)" }],
  ["symbol", Symbol("sig")],
];

describe("parseSignature non-string", () => {
  test.each(NOT_STRINGS)("sig=%s", (_label, value) => {
    expect(() => parseSignature(value as string)).toThrowError(SignatureError);
    expect(() => parseSignature(value as string)).toThrowError(/^parseSignature: signature must be a string; got .+\. Pass text such as/);
  });
});

describe("formatSignature", () => {
  test.each([
    [" (i, 03?) -> ( i )", "(i,3?)->(i)"],
    ["->(\tn ,\tn)", "->(n,n)"],
    ["(a),(b),(c) -> (a),(b)", "(a),(b),(c)->(a),(b)"],
  ])("sig=%j -> %j", (text, canonical) => {
    expect(formatSignature(parseSignature(text))).toBe(canonical);
  });
});

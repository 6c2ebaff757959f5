import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SignatureError } from "../../src/core/errors.js";
import { formatSignature, parseSignature } from "../../src/gufunc/signature.js";
import { dimNameArb, frozenSizeArb, signatureArb } from "../../src/testing/arbitraries.js";

// ---------------------------------------------------------------------------------------
// Reference recogniser: one regular expression for the token structure, then the two
// semantic rules (frozen size range, '?' consistency). Written from NumPy's grammar, not
// from src/gufunc/signature.ts, and sharing no code with it.
// ---------------------------------------------------------------------------------------
const WS = "[ \\t]*";
const DIM = "(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)\\??";
const ARG = `\\(${WS}(?:${DIM}${WS}(?:,${WS}${DIM}${WS})*)?\\)`;
const ARGS = `${ARG}${WS}(?:,${WS}${ARG}${WS})*`;
const SIGNATURE = new RegExp(`^${WS}(?:${ARGS})?->${WS}${ARGS}$`);

interface RefDim {
  name: string;
  frozen: number | undefined;
  optional: boolean;
}
interface RefSignature {
  text: string;
  inputs: RefDim[][];
  outputs: RefDim[][];
  dimNames: string[];
}

/** Returns the structure NumPy's compiled parser would give, or undefined if it rejects. */
function reference(text: string): RefSignature | undefined {
  if (!SIGNATURE.test(text)) return undefined;
  const arrow = text.indexOf("->");
  const side = (part: string): RefDim[][] =>
    [...part.matchAll(/\(([^()]*)\)/g)].map((m) => {
      const body = (m[1] ?? "").replace(/[ \t]/g, "");
      return body === "" ? [] : body.split(",").map(toDim);
    });
  const inputs = side(text.slice(0, arrow));
  const outputs = side(text.slice(arrow + 2));
  const all = [...inputs, ...outputs].flat();
  const optionalByName = new Map<string, boolean>();
  for (const dim of all) {
    const inRange = dim.frozen === undefined || (dim.frozen >= 1 && dim.frozen <= Number.MAX_SAFE_INTEGER);
    if (!inRange) return undefined;
    const seen = optionalByName.get(dim.name);
    if (seen !== undefined && seen !== dim.optional) return undefined;
    optionalByName.set(dim.name, dim.optional);
  }
  const spell = (args: RefDim[][]): string =>
    args.map((a) => `(${a.map((x) => x.name + (x.optional ? "?" : "")).join(",")})`).join(",");
  return {
    text: `${spell(inputs)}->${spell(outputs)}`,
    inputs,
    outputs,
    dimNames: [...optionalByName.keys()],
  };
}

function toDim(token: string): RefDim {
  const optional = token.endsWith("?");
  const bare = optional ? token.slice(0, -1) : token;
  if (!/^[0-9]/.test(bare)) return { name: bare, frozen: undefined, optional };
  const big = BigInt(bare);
  const frozen = big > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(big);
  return { name: String(big), frozen, optional };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: parseSignature(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

// ---------------------------------------------------------------------------------------

const ALPHABET = [..."()->,? \t\n?()-> ,0123ijn_Z+.;é"];
type Edit = { kind: "insert" | "replace"; at: number; ch: string } | { kind: "delete"; at: number };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), ch: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), ch: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
);

function applyEdits(text: string, edits: readonly Edit[]): string {
  let s = text;
  for (const e of edits) {
    const at = e.at % (s.length + 1);
    if (e.kind === "insert") s = s.slice(0, at) + e.ch + s.slice(at);
    else if (s.length > 0) {
      const j = at % s.length;
      s = s.slice(0, j) + (e.kind === "replace" ? e.ch : "") + s.slice(j + 1);
    }
  }
  return s;
}

const RUNS = { numRuns: 400 };

describe("signature properties", () => {
  test("reference recogniser agrees with hand-checked cases", () => {
    expect(reference("(i j)->()")).toBeUndefined();
    expect(reference("(3?),(03)->()")).toBeUndefined();
    expect(reference("(0)->()")).toBeUndefined();
    expect(reference("->()")?.text).toBe("->()");
    expect(reference("( 03? ) -> (n)")).toEqual({
      text: "(3?)->(n)",
      inputs: [[{ name: "3", frozen: 3, optional: true }]],
      outputs: [[{ name: "n", frozen: undefined, optional: false }]],
      dimNames: ["3", "n"],
    });
  });

  test("dimNameArb and frozenSizeArb give dims the parser accepts", () => {
    fc.assert(
      fc.property(dimNameArb({ maxLength: 4 }), frozenSizeArb({ max: 99 }), (name, size) => {
        expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]{0,3}$/);
        const sig = parseSignature(`(${name}?, ${size})->(${name}?)`);
        expect(sig.dimNames).toEqual([name, String(size)]);
        expect(sig.inputs[0]?.[1]).toEqual({ name: String(size), frozen: size, optional: false });
      }),
      RUNS,
    );
    expect(() => dimNameArb({ maxLength: 0 })).toThrow(RangeError);
    expect(() => signatureArb({ minOutputs: 0 })).toThrow(RangeError);
  });

  test("generated canonical signatures parse to their structure and round-trip", () => {
    fc.assert(
      fc.property(signatureArb({ minInputs: 0, maxInputs: 4, maxOutputs: 3 }), ({ text, signature }) => {
        const parsed = parseSignature(text);
        expect(parsed).toEqual(signature);
        expect(parsed.text).toBe(text);
        expect(formatSignature(parsed)).toBe(text);
      }),
      RUNS,
    );
  });

  test("generated noisy signatures parse to the same structure as their canonical text", () => {
    fc.assert(
      fc.property(signatureArb({ noisy: true, minInputs: 0 }), ({ text, signature }) => {
        const parsed = parseSignature(text);
        expect(parsed).toEqual(signature);
        expect(parseSignature(formatSignature(parsed))).toEqual(parsed);
        expect(reference(text)).toEqual(signature);
      }),
      RUNS,
    );
  });

  test("signatureArb respects frozen=false, optional=false and counts", () => {
    fc.assert(
      fc.property(
        signatureArb({
          frozen: false,
          optional: false,
          minInputs: 2,
          maxInputs: 2,
          minOutputs: 2,
          maxOutputs: 3,
          maxCoreDims: 1,
        }),
        ({ signature }) => {
          expect(signature.inputs).toHaveLength(2);
          expect(signature.outputs.length).toBeGreaterThanOrEqual(2);
          for (const dim of [...signature.inputs, ...signature.outputs].flat()) {
            expect(dim.frozen).toBeUndefined();
            expect(dim.optional).toBe(false);
          }
          for (const arg of [...signature.inputs, ...signature.outputs]) {
            expect(arg.length).toBeLessThanOrEqual(1);
          }
        },
      ),
      RUNS,
    );
  });

  test("mutated signatures are accepted iff the reference accepts, with the same structure", () => {
    fc.assert(
      fc.property(
        signatureArb({ noisy: true, minInputs: 0 }),
        fc.array(editArb, { minLength: 1, maxLength: 3 }),
        ({ text }, edits) => {
          const mutated = applyEdits(text, edits);
          const expected = reference(mutated);
          const got = tryParse(mutated);
          if (expected === undefined) {
            expect(got.ok, `accepted ${JSON.stringify(mutated)}`).toBe(false);
            if (!got.ok) {
              const err = got.error as SignatureError;
              expect(err).toBeInstanceOf(SignatureError);
              expect(err.signature).toBe(mutated);
              expect(err.position).toBeGreaterThanOrEqual(0);
              expect(err.position).toBeLessThanOrEqual(mutated.length);
              expect(err.message).toContain(`at position ${err.position} in ${JSON.stringify(mutated)}`);
            }
          } else {
            expect(got.ok, `rejected ${JSON.stringify(mutated)}`).toBe(true);
            if (got.ok) expect(got.value).toEqual(expected);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("arbitrary strings over the signature alphabet agree with the reference", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 14 }), (text) => {
        const expected = reference(text);
        const got = tryParse(text);
        expect(got.ok).toBe(expected !== undefined);
        if (got.ok) expect(got.value).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * The gufunc signature grammar, matching NumPy's compiled parser (`_parse_signature` in
 * numpy/_core/src/umath/ufunc_object.c), e.g. `"(m?,n),(n,p?)->(m?,p?)"` or `"(3),(n)->(n,3)"`.
 *
 * Grammar (`ws` is any run of spaces and tabs, and nothing else):
 * ```
 * signature := ws [args] "->" ws args          args := arg ws ("," ws arg ws)*
 * arg       := "(" ws [dim ws ("," ws dim ws)*] ")"
 * dim       := (name | size) ["?"]              name := [A-Za-z_][A-Za-z0-9_]*
 * size      := [0-9]+ with value 1..Number.MAX_SAFE_INTEGER (leading zeros allowed)
 * ```
 * Invariants of a parsed {@link Signature}: a name carries `?` everywhere or nowhere; frozen
 * dims are identified by value (`03` and `3` are one dim, named `"3"`); `text` is canonical.
 *
 * Where we differ from NumPy, on purpose:
 * - The compiled parser is told nin/nout by its caller; we infer them from the text and need
 *   at least one output. Zero inputs (`"->()"`) are accepted because the compiled parser
 *   accepts that text when nin is 0. Errors that depend on nin/nout are therefore phrased
 *   from the text alone (`expected ',' or '->'`, `expected ',' or end of signature`) where
 *   NumPy says `expect ','`, `expect '->'` or `incomplete signature`.
 * - NumPy accepts frozen sizes up to 2**63-2; we stop at Number.MAX_SAFE_INTEGER, the largest
 *   size a JavaScript number holds exactly.
 * - NumPy's C string ends at a NUL character; we treat NUL as an ordinary invalid character.
 *   Positions count UTF-16 code units (NumPy counts UTF-8 bytes; equal for ASCII text).
 * - np.vectorize's `_parse_gufunc_signature` is looser (`\w+` names: digits first, Unicode,
 *   no `?`, no frozen sizes, any whitespace incl. newlines inside names) and needs one input;
 *   we do not follow it.
 * Quirks kept from NumPy: a dim starting with a non-name character is read like C `strtoll`,
 * so `(-3)` and `(+0)` say "non-zero frozen size" while `(+3)` says "expected ',' or ')'";
 * `?` is allowed on frozen dims (`(3?)`) and on output-only dims (binding decides their fate).
 * @module
 */
import { SignatureError, show } from "../core/errors.js";

/** One core dimension as written in a signature. */
export interface CoreDim {
  /** The dim's name; for a frozen dim its decimal value without leading zeros, e.g. `"3"`. */
  readonly name: string;
  /** The fixed size of a frozen dim such as `(3)`, else `undefined`. */
  readonly frozen: number | undefined;
  /** Whether the dim carries the `?` modifier (it may be missing from an operand). */
  readonly optional: boolean;
}

/** A parsed gufunc signature. All arrays are frozen. */
export interface Signature {
  /** Canonical text without whitespace, e.g. `"(i,j),(j,k)->(i,k)"`. */
  readonly text: string;
  /** Core dims of each input, in order. */
  readonly inputs: readonly (readonly CoreDim[])[];
  /** Core dims of each output, in order (at least one output). */
  readonly outputs: readonly (readonly CoreDim[])[];
  /** Distinct dim names in order of first appearance, frozen ones by their numeric name. */
  readonly dimNames: readonly string[];
}

const FN = "parseSignature";
const isWs = (c: string | undefined): boolean => c === " " || c === "\t";
const isAlphaUnderscore = (c: string | undefined): boolean =>
  c !== undefined && ((c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || c === "_");
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isAlnumUnderscore = (c: string | undefined): boolean => isAlphaUnderscore(c) || isDigit(c);
/** The characters C's `isspace` skips in the "C" locale. */
const isCSpace = (c: string | undefined): boolean => c !== undefined && " \t\n\v\f\r".includes(c);

function skipWs(s: string, i: number): number {
  while (isWs(s[i])) i++;
  return i;
}

function isArrow(s: string, i: number): boolean {
  return s[i] === "-" && s[i + 1] === ">";
}

/**
 * Reads a frozen size at `i` the way NumPy's `_get_size` does (C `strtoll`, base 10: leading
 * C whitespace, an optional sign, digits, and no name character right after the digits).
 * Returns the value (0 or negative when unusable) and the digits as written.
 */
function readSize(s: string, i: number): { value: number; digits: string } {
  let j = i;
  while (j < s.length && isCSpace(s[j])) j++;
  const negative = s[j] === "-";
  if (s[j] === "-" || s[j] === "+") j++;
  const start = j;
  while (isDigit(s[j])) j++;
  if (j === start || isAlphaUnderscore(s[j])) return { value: -1, digits: "" };
  const digits = s.slice(start, j);
  const value = Number(digits);
  return { value: negative ? -value : value, digits };
}

/** End of a name or number at `i`, including one trailing `?` (NumPy's `_get_end_of_name`). */
function endOfName(s: string, i: number): number {
  while (isAlnumUnderscore(s[i])) i++;
  return s[i] === "?" ? i + 1 : i;
}

function freezeArgs(args: CoreDim[][]): readonly (readonly CoreDim[])[] {
  return Object.freeze(args.map((a) => Object.freeze(a)));
}

/** Recursive-descent state for one call of {@link parseSignature}. */
class Parser {
  private readonly dims = new Map<string, CoreDim>();
  private readonly firstAt = new Map<string, number>();

  constructor(private readonly sig: string) {}

  private fail(what: string, position: number): never {
    const message = `${what} at position ${position} in ${JSON.stringify(this.sig)}`;
    throw new SignatureError(FN, message, this.sig, position);
  }

  parse(): Signature {
    const s = this.sig;
    const inputs: CoreDim[][] = [];
    const outputs: CoreDim[][] = [];
    let i = skipWs(s, 0);
    if (!isArrow(s, i)) {
      for (;;) {
        i = this.arg(i, inputs);
        if (isArrow(s, i)) break;
        if (s[i] !== ",") this.fail("expected ',' or '->'", i);
        i = skipWs(s, i + 1);
      }
    }
    i = skipWs(s, i + 2);
    for (;;) {
      i = this.arg(i, outputs);
      if (i === s.length) break;
      if (s[i] !== ",") this.fail("expected ',' or end of signature", i);
      i = skipWs(s, i + 1);
    }
    const result = {
      text: "",
      inputs: freezeArgs(inputs),
      outputs: freezeArgs(outputs),
      dimNames: Object.freeze([...this.dims.keys()]),
    };
    result.text = formatSignature(result);
    return Object.freeze(result);
  }

  /** Parses `( dims )` at `i` into `into`; returns the index after it and any whitespace. */
  private arg(i: number, into: CoreDim[][]): number {
    const s = this.sig;
    if (s[i] !== "(") this.fail("expected '('", i);
    const dims: CoreDim[] = [];
    i = skipWs(s, i + 1);
    while (s[i] !== ")") {
      if (i >= s.length) this.fail("unexpected end of signature", i);
      const end = this.dim(i, dims);
      i = skipWs(s, end);
      if (s[i] !== "," && s[i] !== ")") this.fail("expected ',' or ')'", i);
      if (s[i] === ",") {
        i = skipWs(s, i + 1);
        if (s[i] === ")") this.fail("',' must not be followed by ')'", i);
      }
    }
    into.push(dims);
    return skipWs(s, i + 1);
  }

  /** Parses one dim starting at `i` into `dims`; returns the index after it. */
  private dim(i: number, dims: CoreDim[]): number {
    const s = this.sig;
    let frozen: number | undefined;
    if (!isAlphaUnderscore(s[i])) {
      const { value, digits } = readSize(s, i);
      if (value <= 0) this.fail("expected dim name or non-zero frozen size", i);
      if (value > Number.MAX_SAFE_INTEGER) {
        this.fail(
          `frozen size must be at most ${Number.MAX_SAFE_INTEGER}; got ${digits}`,
          i,
        );
      }
      frozen = value;
    }
    const end = endOfName(s, i);
    const optional = end > i && s[end - 1] === "?";
    const name = frozen === undefined ? s.slice(i, optional ? end - 1 : end) : String(frozen);
    let dim = this.dims.get(name);
    if (dim === undefined) {
      dim = Object.freeze({ name, frozen, optional });
      this.dims.set(name, dim);
      this.firstAt.set(name, i);
    } else if (dim.optional !== optional) {
      const mark = (q: boolean): string => `'${name}${q ? "?" : ""}'`;
      const message =
        `dim '${name}' must use '?' consistently; got ${mark(optional)} at position ${i} in ` +
        `${JSON.stringify(s)} after ${mark(dim.optional)} at position ${this.firstAt.get(name)}. ` +
        `Mark every '${name}' with '?' or none.`;
      throw new SignatureError(FN, message, s, i);
    }
    dims.push(dim);
    return end;
  }
}

/**
 * Parses a gufunc signature following NumPy's compiled grammar.
 * @param sig - Signature text such as `"(m,n),(n,p)->(m,p)"`; spaces and tabs may separate
 *   tokens.
 * @returns The frozen parsed signature; its `text` is the canonical form.
 * @throws {SignatureError} When `sig` is not a string, or breaks the grammar; `position` is
 *   the 0-based index of the offending character (the length at the end of the text), and
 *   the message reads e.g. `parseSignature: expected ',' or ')' at position 3 in "(i j)->()"`.
 * @example
 * ```ts
 * const s = parseSignature("(m?,n), (n,p?) -> (m?,p?)");
 * s.text; // "(m?,n),(n,p?)->(m?,p?)"
 * s.inputs.length; // 2
 * s.dimNames; // ["m", "n", "p"]
 * parseSignature("(3)->()").inputs[0]?.[0]; // { name: "3", frozen: 3, optional: false }
 * ```
 */
export function parseSignature(sig: string): Signature {
  if (typeof sig !== "string") {
    throw new SignatureError(
      FN,
      `signature must be a string; got ${show(sig)}. Pass text such as "(i,j),(j)->(i)".`,
      show(sig),
    );
  }
  return new Parser(sig).parse();
}

/**
 * Formats a signature as canonical text: no whitespace, frozen sizes without leading zeros.
 * @param sig - A parsed signature (or any object of the same shape).
 * @returns Text that {@link parseSignature} maps back to an equal signature.
 * @throws Nothing; the structure is trusted.
 * @example
 * ```ts
 * formatSignature(parseSignature(" (i, 03?) -> ( i )")); // "(i,3?)->(i)"
 * ```
 */
export function formatSignature(sig: Pick<Signature, "inputs" | "outputs">): string {
  const dim = (d: CoreDim): string =>
    (d.frozen === undefined ? d.name : String(d.frozen)) + (d.optional ? "?" : "");
  const arg = (dims: readonly CoreDim[]): string => `(${dims.map(dim).join(",")})`;
  const args = (list: readonly (readonly CoreDim[])[]): string => list.map(arg).join(",");
  return `${args(sig.inputs)}->${args(sig.outputs)}`;
}

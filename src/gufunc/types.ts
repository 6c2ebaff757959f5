/**
 * Type-level reading of a literal gufunc signature: how many inputs and outputs it has, so a
 * wrapper built from `"(m,n),(n,p)->(m,p)"` takes exactly two arrays and returns one.
 *
 * The types strip spaces and tabs, split at the first `->`, and count top-level `( ... )`
 * groups separated by commas on each side. They do not check dim names; runtime parsing
 * (`parseSignature`) does. Text they cannot read (nested or unbalanced parentheses, stray
 * characters, no `->`, no output) and the wide `string` type give `number`, and from there
 * the wide array types, so a bad literal never yields a wrong fixed arity.
 * @module
 */

/** Removes spaces and tabs, the only whitespace the grammar allows. */
type StripWs<S extends string> = S extends `${infer A} ${infer B}`
  ? StripWs<`${A}${B}`>
  : S extends `${infer A}\t${infer B}`
    ? StripWs<`${A}${B}`>
    : S;

/** Counts `(..),(..)` groups in whitespace-free text; `number` if the text is not such a list. */
type CountArgs<S extends string, Acc extends unknown[] = []> = S extends `(${infer Inner})${infer Rest}`
  ? Inner extends `${string}(${string}`
    ? number
    : Rest extends ""
      ? [...Acc, unknown]["length"]
      : Rest extends `,${infer Next}`
        ? CountArgs<Next, [...Acc, unknown]>
        : number
  : number;

/** Counts of one whitespace-free literal signature, or `[number, number]`. */
type CountsOf<S extends string> = S extends `${infer L}->${infer R}`
  ? [L extends "" ? 0 : CountArgs<L>, CountArgs<R>] extends [infer I, infer O]
    ? number extends I | O
      ? [number, number]
      : [I, O]
    : never
  : [number, number];

/** `[inputs, outputs]` counts of a literal signature (distributing over unions). */
type Counts<S extends string> = S extends string
  ? string extends S
    ? [number, number]
    : CountsOf<StripWs<S>>
  : never;

/**
 * The number of inputs of a literal gufunc signature, as a number literal type.
 * @typeParam S - The signature text; the wide `string` (or unreadable text) gives `number`.
 * @example
 * ```ts
 * type A = InputCount<"(m,n),(n,p)->(m,p)">; // 2
 * type B = InputCount<"->()">; // 0
 * type C = InputCount<string>; // number
 * ```
 */
export type InputCount<S extends string> = Counts<S>[0];

/**
 * The number of outputs of a literal gufunc signature, as a number literal type.
 * @typeParam S - The signature text; the wide `string` (or unreadable text) gives `number`.
 * @example
 * ```ts
 * type A = OutputCount<"(m,n)->(m),(n)">; // 2
 * type B = OutputCount<string>; // number
 * ```
 */
export type OutputCount<S extends string> = Counts<S>[1];

type BuildTuple<T, N extends number, Acc extends T[] = []> = Acc["length"] extends N
  ? Acc
  : BuildTuple<T, N, [...Acc, T]>;

/**
 * A tuple of `N` elements of type `T`; `T[]` when `N` is the wide `number`.
 * @typeParam T - The element type.
 * @typeParam N - A non-negative integer literal (keep it below about 1000).
 * @example
 * ```ts
 * type P = TupleOf<string, 2>; // [string, string]
 * type Q = TupleOf<string, number>; // string[]
 * ```
 */
export type TupleOf<T, N extends number> = number extends N ? T[] : BuildTuple<T, N>;

/**
 * The argument list of a gufunc wrapper: one `T` per input of signature `S`.
 * @typeParam S - The signature text.
 * @typeParam T - The array type each input takes.
 * @example
 * ```ts
 * type Args = GufuncInputs<"(i,j,k),(a,b,c)->(i,j,k)", Block>; // [Block, Block]
 * ```
 */
export type GufuncInputs<S extends string, T> = TupleOf<T, InputCount<S>>;

/**
 * The result of a gufunc wrapper: `T` for one output, a tuple of `T` for two or more, and
 * `T | T[]` when the count is not known at compile time.
 * @typeParam S - The signature text.
 * @typeParam T - The array type of each output.
 * @example
 * ```ts
 * type One = GufuncResult<"(i)->()", Block>; // Block
 * type Two = GufuncResult<"(m,n)->(m),(n)", Block>; // [Block, Block]
 * type Any = GufuncResult<string, Block>; // Block | Block[]
 * ```
 */
export type GufuncResult<S extends string, T> = number extends OutputCount<S>
  ? T | T[]
  : OutputCount<S> extends 1
    ? T
    : TupleOf<T, OutputCount<S>>;

/** `P` without its first `N` elements (optional ones included). */
type DropFirst<P extends readonly unknown[], N extends number, Acc extends unknown[] = []> = Acc["length"] extends N
  ? P
  : P extends readonly [unknown?, ...infer Rest]
    ? DropFirst<Rest, N, [...Acc, unknown]>
    : P;

/**
 * The type of the `params` argument of kernel `K` called with `N` arrays first, as gufuncs,
 * `mapBlocks` and `mapOverlap` call it: `kernel(...arrays, params, ctx)`. `unknown` (anything
 * goes) when `N` is not known at compile time or the kernel declares no parameter there.
 * @typeParam K - The kernel's function type (a `defineKernel` result keeps it).
 * @typeParam N - How many arrays come before `params`.
 * @example
 * ```ts
 * type P = KernelParams<(a: Block, b: Block, p: { iterations?: number }) => Block, 2>; // { iterations?: number }
 * type Q = KernelParams<(a: Block) => Block, 1>; // unknown
 * ```
 */
export type KernelParams<K, N extends number> = number extends N
  ? unknown
  : K extends (...args: infer P) => unknown
    ? DropFirst<P, N> extends readonly [(infer Q)?, ...unknown[]]
      ? unknown extends Q ? unknown : Q
      : unknown
    : unknown;

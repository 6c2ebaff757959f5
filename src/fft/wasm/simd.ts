// The v128 shorthands every kernel uses (AssemblyScript; see kernels.ts). Vectors hold 4
// float32 or 2 float64 lanes; T picks the lane type.

export function ld(p: usize): v128 { return v128.load(p); }
export function st(p: usize, v: v128): void { v128.store(p, v); }
export function add<T>(a: v128, b: v128): v128 { return v128.add<T>(a, b); }
export function sub<T>(a: v128, b: v128): v128 { return v128.sub<T>(a, b); }
export function mul<T>(a: v128, b: v128): v128 { return v128.mul<T>(a, b); }
export function spl<T>(x: T): v128 { return v128.splat<T>(x); }
export function tws<T>(p: usize): v128 { return v128.splat<T>(load<T>(p)); }

/** Stores (xr + i xi) * (wr + i wi) at p (real row) and p + hb (imaginary row). */
export function cmulSt<T>(p: usize, hb: usize, xr: v128, xi: v128, wr: v128, wi: v128): void {
  st(p, sub<T>(mul<T>(xr, wr), mul<T>(xi, wi)));
  st(p + hb, add<T>(mul<T>(xr, wi), mul<T>(xi, wr)));
}

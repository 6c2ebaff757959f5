// AssemblyScript (see blosc.ts): LZ4 blocks. The compressor follows LZ4 1.9.4's
// LZ4_compress_fast as c-blosc and numcodecs call it (a fresh table per call, no dictionary,
// 64-bit hashing), decision for decision, so it writes the same bytes: a 2^13-entry table of
// 16-bit positions and a 4-byte hash below 64 KiB + 11 bytes of input, else 2^12 32-bit
// positions and a 5-byte hash; a skip step growing with `acceleration` after every 64 misses;
// matches extended backwards; the output budget checked where LZ4 checks it (so a block that
// LZ4 refuses to fit is refused here too, even where it would have fitted). The decoder is
// LZ4_decompress_safe's contract with chunkwise's error codes.

/** Where the match table lives (16 KiB): the caller keeps its buffers above. */
const TABLE: usize = 0;
const MINMATCH = 4;
const MFLIMIT = 12;
const LASTLITERALS = 5;
const LIMIT_64K = 65536 + MFLIMIT - 1;
const SKIP_TRIGGER = 6;
const MAX_DISTANCE = 65535;

function hashOf(p: usize, small: bool): u32 {
  if (small) return (load<u32>(p) * 2654435761) >>> (32 - 13);
  return <u32>(((load<u64>(p) << 24) * 889523592379) >>> (64 - 12));
}
function getAt(h: u32, small: bool): u32 {
  return small ? <u32>load<u16>(TABLE + (<usize>h << 1)) : load<u32>(TABLE + (<usize>h << 2));
}
function putAt(h: u32, pos: u32, small: bool): void {
  if (small) store<u16>(TABLE + (<usize>h << 1), <u16>pos);
  else store<u32>(TABLE + (<usize>h << 2), pos);
}

/** Bytes equal at a and b, stopping at limit (for a). */
function count(a: usize, b: usize, limit: usize): u32 {
  const start = a;
  while (a + 8 <= limit) {
    const diff = load<u64>(a) ^ load<u64>(b);
    if (diff != 0) return <u32>(a - start) + <u32>(ctz<u64>(diff) >>> 3);
    a += 8;
    b += 8;
  }
  while (a < limit && load<u8>(a) == load<u8>(b)) { a++; b++; }
  return <u32>(a - start);
}

function writeLength(op: usize, len: u32): usize {
  while (len >= 255) { store<u8>(op++, 255); len -= 255; }
  store<u8>(op++, <u8>len);
  return op;
}

/** LZ4_compressBound. */
export function lz4Bound(n: i32): i32 {
  return n > 0x7e000000 ? 0 : n + n / 255 + 16;
}

// long: one function, like LZ4_compress_generic, so each decision sits where LZ4 makes it.
/**
 * Compresses n bytes at src into dst (capacity cap) as LZ4_compress_fast does; returns the
 * compressed length, or 0 when it does not fit (cap below LZ4_compressBound(n) is LZ4's
 * "limited output" mode, checked where LZ4 checks it).
 */
export function lz4Compress(src: usize, n: i32, dst: usize, cap: i32, acceleration: i32): i32 {
  const limited = cap < lz4Bound(n);
  if (n == 0) {
    if (limited && cap <= 0) return 0;
    store<u8>(dst, 0);
    return 1;
  }
  const accel = acceleration < 1 ? 1 : acceleration > 65537 ? 65537 : acceleration;
  const small = n < LIMIT_64K;
  memory.fill(TABLE, 0, 16384);
  const iend = src + <usize>n;
  const mflimitPlusOne = iend - MFLIMIT + 1;
  const matchlimit = iend - LASTLITERALS;
  const olimit = dst + <usize>cap;
  let op = dst;
  let anchor = src;
  let ip = src;
  if (n >= MFLIMIT + 1) {
    putAt(hashOf(ip, small), 0, small);
    ip++;
    let forwardH = hashOf(ip, small);
    for (;;) {
      let match: usize;
      let token: usize;
      // Find a match, skipping faster the longer none turns up.
      let forwardIp = ip;
      let step: u32 = 1;
      let searchMatchNb: u32 = <u32>accel << SKIP_TRIGGER;
      let found = false;
      for (;;) {
        const h = forwardH;
        const current = <u32>(forwardIp - src);
        const matchIndex = getAt(h, small);
        ip = forwardIp;
        forwardIp += step;
        step = searchMatchNb++ >>> SKIP_TRIGGER;
        if (forwardIp > mflimitPlusOne) break;
        match = src + matchIndex;
        forwardH = hashOf(forwardIp, small);
        putAt(h, current, small);
        if (!small && matchIndex + MAX_DISTANCE < current) continue;
        if (load<u32>(match) == load<u32>(ip)) { found = true; break; }
      }
      if (!found) break;
      while (ip > anchor && match > src && load<u8>(ip - 1) == load<u8>(match - 1)) { ip--; match--; }
      // Literals.
      const lit = <u32>(ip - anchor);
      token = op++;
      if (limited && op + lit + (2 + 1 + LASTLITERALS) + lit / 255 > olimit) return 0;
      if (lit >= 15) {
        store<u8>(token, 15 << 4);
        op = writeLength(op, lit - 15);
      } else store<u8>(token, <u8>(lit << 4));
      memory.copy(op, anchor, lit);
      op += lit;
      // Matches, chained while the position after one starts another.
      for (;;) {
        store<u16>(op, <u16>(ip - match));
        op += 2;
        const code = count(ip + MINMATCH, match + MINMATCH, matchlimit);
        ip += <usize>code + MINMATCH;
        if (limited && op + (1 + LASTLITERALS) + (code + 240) / 255 > olimit) return 0;
        if (code >= 15) {
          store<u8>(token, load<u8>(token) + 15);
          op = writeLength(op, code - 15);
        } else store<u8>(token, load<u8>(token) + <u8>code);
        anchor = ip;
        if (ip >= mflimitPlusOne) break;
        putAt(hashOf(ip - 2, small), <u32>(ip - 2 - src), small);
        const h = hashOf(ip, small);
        const current = <u32>(ip - src);
        const matchIndex = getAt(h, small);
        match = src + matchIndex;
        putAt(h, current, small);
        if ((small || matchIndex + MAX_DISTANCE >= current) && load<u32>(match) == load<u32>(ip)) {
          token = op++;
          store<u8>(token, 0);
          continue;
        }
        break;
      }
      if (ip >= mflimitPlusOne) break;
      forwardH = hashOf(++ip, small);
    }
  }
  const lastRun = <u32>(iend - anchor);
  if (limited && op + lastRun + 1 + (lastRun + 255 - 15) / 255 > olimit) return 0;
  if (lastRun >= 15) {
    store<u8>(op++, 15 << 4);
    op = writeLength(op, lastRun - 15);
  } else store<u8>(op++, <u8>(lastRun << 4));
  memory.copy(op, anchor, lastRun);
  op += lastRun;
  return <i32>(op - dst);
}

/** The offset of the last match refused with code -6 (read by the caller for its message). */
export let badOffset: i32 = 0;

/**
 * Decodes the LZ4 block of n bytes at src into dst (capacity cap); returns the decoded length,
 * or a negative code for the first violation (the messages are the caller's):
 * -1 empty block, -2 literal length past the input, -3 literals past the input, -4 literals past
 * the capacity, -5 offset past the input, -6 offset 0 or before the output start (badOffset),
 * -7 match length past the input, -8 match past the capacity, -9 ends with a match.
 * The input must have 16 readable bytes after its end and the output 32 writable bytes after
 * its capacity: short copies move whole vectors.
 */
export function lz4Decompress(src: usize, n: i32, dst: usize, cap: i32): i32 {
  if (n == 0) return -1;
  const end = src + <usize>n;
  const oend = dst + <usize>cap;
  let ip = src;
  let op = dst;
  for (;;) {
    const token = <u32>load<u8>(ip++);
    let lit = token >>> 4;
    if (lit == 15) {
      let b: u32;
      do {
        if (ip >= end) return -2;
        b = load<u8>(ip++);
        lit += b;
      } while (b == 255);
    }
    if (<usize>lit > end - ip) return -3;
    if (<usize>lit > oend - op) return -4;
    if (lit <= 16) v128.store(op, v128.load(ip));
    else memory.copy(op, ip, lit);
    ip += lit;
    op += lit;
    if (ip == end) return <i32>(op - dst);
    if (ip + 2 > end) return -5;
    const offset = <u32>load<u16>(ip);
    ip += 2;
    if (offset == 0 || <usize>offset > op - dst) { badOffset = offset; return -6; }
    let len = token & 15;
    if (len == 15) {
      let b: u32;
      do {
        if (ip >= end) return -7;
        b = load<u8>(ip++);
        len += b;
      } while (b == 255);
    }
    len += MINMATCH;
    if (<usize>len > oend - op) return -8;
    if (ip >= end) return -9;
    let ref = op - offset;
    const stop = op + len;
    if (offset >= 16) {
      // Whole vectors, up to 15 bytes past the match (later sequences overwrite them).
      while (op < stop) {
        v128.store(op, v128.load(ref));
        op += 16;
        ref += 16;
      }
      op = stop;
    } else {
      // A period shorter than a vector: copy the period, then ever longer runs of it.
      while (op < stop) {
        const k = min<usize>(op - ref, stop - op);
        memory.copy(op, ref, k);
        op += k;
      }
    }
  }
  return 0; // not reached: every exit is inside the loop
}

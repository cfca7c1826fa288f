/**
 * A fast 53-bit hash of a column's values, for the cache keys of the memoized functions: two 32-bit
 * multiply–xor lanes (cyrb53's construction) over the values' words, folded into an integer below 2⁵³ so it
 * is exact in a double.
 *
 * Numbers are hashed by value: a 32-bit integer as one word, any other number by its IEEE-754 bits (so 0
 * and −0 hash alike); a Float64Array and a plain array holding the same numbers hash alike (a rebuilt table
 * need not keep its column types). Other values mix a type tag first: strings
 * their UTF-16 code units, booleans, null, undefined, dates their time, and anything else its `String(…)`
 * (or, when that throws, `Object.prototype.toString`'s tag).
 * Not a cryptographic hash: equal columns always hash alike; different columns collide with probability
 * about 2⁻⁵³ per pair.
 *
 * Reference: bryc, "cyrb53" (public domain, 2018), https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js;
 * the multipliers are Knuth's 2654435761 (TAOCP vol. 3, §6.4), cyrb53's, xxHash's primes (Collet 2012) and
 * MurmurHash3's finalizer constants (Appleby 2011).
 *
 * @example
 *   hashValues(Float64Array.of(1, 2, 3)) === hashValues([1, 2, 3]); // true
 *   hashValues(["a", "b"]) === hashValues(["b", "a"]);             // false
 */
export function hashValues(values: ArrayLike<unknown>, seed = 0): number {
  // typed arrays of numbers get a loop of their own: one kind of element keeps each loop fast
  if (ArrayBuffer.isView(values) && !(values instanceof DataView) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array)) {
    return hashNumbers(values as unknown as ArrayLike<number>, seed);
  }
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "number") {
      if ((v | 0) === v) {
        // a 32-bit integer (most codes and counts): one word
        h1 = Math.imul(h1 ^ v, K1);
        h2 = Math.imul(h2 ^ v, K2);
      } else {
        // any other number: its two words, mixed with other multipliers than integers
        scratch[0] = v;
        h1 = Math.imul(h1 ^ bits[0], K3);
        h2 = Math.imul(h2 ^ bits[0], K4);
        h1 = Math.imul(h1 ^ bits[1], K3);
        h2 = Math.imul(h2 ^ bits[1], K4);
      }
      continue;
    }
    let tag = TAG_OTHER;
    let text: string | null = null;
    if (typeof v === "string") {
      tag = TAG_STRING;
      text = v;
    } else if (v === null) tag = TAG_NULL;
    else if (v === undefined) tag = TAG_UNDEFINED;
    else if (v === true) tag = TAG_TRUE;
    else if (v === false) tag = TAG_FALSE;
    else if (v instanceof Date) tag = TAG_DATE;
    else text = otherText(v);
    h1 = Math.imul(h1 ^ tag, K5);
    h2 = Math.imul(h2 ^ tag, K6);
    if (tag === TAG_DATE) {
      scratch[0] = (v as Date).getTime();
      h1 = Math.imul(h1 ^ bits[0], K3);
      h2 = Math.imul(h2 ^ bits[0], K4);
      h1 = Math.imul(h1 ^ bits[1], K3);
      h2 = Math.imul(h2 ^ bits[1], K4);
    }
    if (text !== null) {
      // length first, so consecutive strings cannot run together
      h1 = Math.imul(h1 ^ text.length, K5);
      h2 = Math.imul(h2 ^ text.length, K6);
      for (let k = 0; k < text.length; k++) {
        const c = text.charCodeAt(k);
        h1 = Math.imul(h1 ^ c, K1);
        h2 = Math.imul(h2 ^ c, K2);
      }
    }
  }
  h1 = Math.imul(h1 ^ n, K5);
  h2 = Math.imul(h2 ^ n, K6);
  return finish(h1, h2);
}

/** {@link hashValues} of numbers only, mixed exactly as there. */
function hashNumbers(values: ArrayLike<number>, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if ((v | 0) === v) {
      h1 = Math.imul(h1 ^ v, K1);
      h2 = Math.imul(h2 ^ v, K2);
    } else {
      scratch[0] = v;
      h1 = Math.imul(h1 ^ bits[0], K3);
      h2 = Math.imul(h2 ^ bits[0], K4);
      h1 = Math.imul(h1 ^ bits[1], K3);
      h2 = Math.imul(h2 ^ bits[1], K4);
    }
  }
  h1 = Math.imul(h1 ^ n, K5);
  h2 = Math.imul(h2 ^ n, K6);
  return finish(h1, h2);
}

/**
 * The text of any other value, never throwing: `String(…)` fails on a null-prototype object or one whose
 * `toString` throws; those hash by their type's tag text (the model frame refuses such cells anyway).
 */
function otherText(v: unknown): string {
  if (typeof v === "bigint" || typeof v === "symbol") return String(v);
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function finish(a: number, b: number): number {
  let h1 = Math.imul(a ^ (a >>> 16), 2246822507);
  h1 ^= Math.imul(b ^ (b >>> 13), 3266489909);
  let h2 = Math.imul(b ^ (b >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

// multipliers: integers and characters, other numbers' words, tags and lengths (Knuth's, cyrb53's and
// xxHash's odd constants), so a value of one kind cannot pass for words of another
const K1 = 2654435761;
const K2 = 1597334677;
const K3 = 2246822519;
const K4 = 3266489917;
const K5 = 668265263;
const K6 = 374761393;
// type tags
const TAG_STRING = 0x7ff8_0a01;
const TAG_NULL = 0x7ff8_0a02;
const TAG_UNDEFINED = 0x7ff8_0a03;
const TAG_TRUE = 0x7ff8_0a04;
const TAG_FALSE = 0x7ff8_0a05;
const TAG_DATE = 0x7ff8_0a06;
const TAG_OTHER = 0x7ff8_0a07;

const scratch = new Float64Array(1);
const bits = new Uint32Array(scratch.buffer);

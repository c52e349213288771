/** Growing typed arrays, as the engine's column and list builders do when they fill up. */

type Growable = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A new array of `array`'s type, `length` long, that starts with `array`'s values. */
export function grown<T extends Growable>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}

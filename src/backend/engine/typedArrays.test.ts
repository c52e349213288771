import { grown } from './typedArrays';

describe('grown', () => {
  it('keeps the type and the values, with the new length', () => {
    const codes = grown(Uint16Array.from([1, 65535, 3]), 5);
    expect(codes).toBeInstanceOf(Uint16Array);
    expect([...codes]).toEqual([1, 65535, 3, 0, 0]);
    const times = grown(Float64Array.from([0.5, -1]), 4);
    expect(times).toBeInstanceOf(Float64Array);
    expect([...times]).toEqual([0.5, -1, 0, 0]);
  });

  it('leaves the original as it was', () => {
    const original = Int32Array.from([7, 8]);
    const bigger = grown(original, 3);
    bigger[0] = 9;
    expect([...original]).toEqual([7, 8]);
  });
});

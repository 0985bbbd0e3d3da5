import { describe, expect, it } from 'vitest';
import { newId, pooledRandom } from './ids.ts';

describe('engine ids', () => {
  it('pooledRandom hands out the crypto bytes / 256, drawing 4 KB at a time', () => {
    let fills = 0;
    const random = pooledRandom((bytes) => {
      fills += 1;
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i + fills) % 256;
    });
    const first = Array.from({ length: 4096 }, random);
    expect(fills).toBe(1);
    expect(first.slice(0, 3)).toEqual([1 / 256, 2 / 256, 3 / 256]);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(random()).toBe(2 / 256);
    expect(fills).toBe(2);
  });

  it('newId gives unique, increasing ULIDs across many milliseconds', () => {
    const ids: string[] = [];
    const until = Date.now() + 30;
    while (Date.now() < until || ids.length < 50_000) ids.push(newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(ids.every((id, i) => i === 0 || ids[i - 1]! < id)).toBe(true);
    // The random part differs between milliseconds (not a constant pool).
    const randoms = new Set(ids.map((id) => id.slice(10, 18)));
    expect(randoms.size).toBeGreaterThan(1);
  });
});

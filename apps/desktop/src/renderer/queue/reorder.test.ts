import { describe, expect, it } from 'vitest';
import { moveItem } from './reorder.ts';

describe('moveItem', () => {
  it('takes the place of the item it is dropped on, both directions', () => {
    expect(moveItem(['a', 'b', 'c', 'd'], 'a', 'c')).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(['a', 'b', 'c', 'd'], 'd', 'b')).toEqual(['a', 'd', 'b', 'c']);
  });
  it('leaves the order alone for unknown ids or a drop on itself', () => {
    expect(moveItem(['a', 'b'], 'a', 'a')).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 'x', 'a')).toEqual(['a', 'b']);
  });
});

import { describe, expect, it } from 'vitest';
import { itemTop, MAX_SCROLL_PX, scrollScale } from './virtual-scale.ts';

describe('scrollScale', () => {
  it('changes nothing while the rows fit', () => {
    expect(scrollScale(100_000 * 36, 600)).toEqual({ spacerPx: 3_600_000, factor: 1 });
    expect(itemTop(720, 700, 1)).toBe(720);
  });

  it('maps a million rows onto the scrollable range, both ends reachable', () => {
    const content = 1_000_000 * 36;
    const viewport = 640;
    const { spacerPx, factor } = scrollScale(content, viewport);
    expect(spacerPx).toBe(MAX_SCROLL_PX);
    // Real top → virtual top; real bottom → the virtual bottom (the last row is on screen).
    expect(0 * factor).toBe(0);
    expect((spacerPx - viewport) * factor).toBeCloseTo(content - viewport, 3);
    // The last row is drawn inside the real viewport when scrolled to the bottom.
    const realBottom = spacerPx - viewport;
    const virtualOffset = realBottom * factor;
    const lastTop = itemTop((1_000_000 - 1) * 36, virtualOffset, factor);
    expect(lastTop).toBeGreaterThanOrEqual(realBottom);
    expect(lastTop + 36).toBeLessThanOrEqual(realBottom + viewport + 0.001);
    // Rows stay 36 px apart on screen.
    expect(itemTop(5036, virtualOffset, factor) - itemTop(5000, virtualOffset, factor)).toBe(36);
  });
});

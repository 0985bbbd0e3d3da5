import { describe, expect, it } from 'vitest';
import { itemTop, MAX_SCROLL_PX, scrollScale } from './virtual-scale.ts';

describe('scrollScale', () => {
  it('changes nothing while the rows fit', () => {
    expect(scrollScale(100_000 * 36, 600)).toEqual({ spacerPx: 3_600_000, factor: 1 });
    expect(itemTop(720, 700, 1)).toBe(720);
  });

  it.each([0, 35])(
    'maps a million rows onto the scrollable range, both ends reachable (header %i px)',
    (header) => {
      const content = 1_000_000 * 36;
      const viewport = 640;
      const { spacerPx, factor } = scrollScale(content, viewport, header);
      expect(spacerPx).toBe(MAX_SCROLL_PX);
      // Scrolled to the end (the container holds the header and the spacer), the last row's
      // bottom is the viewport's bottom: on screen y = header + top - scrollTop.
      const realBottom = header + spacerPx - viewport;
      const virtualOffset = realBottom * factor;
      const lastTop = itemTop((1_000_000 - 1) * 36, virtualOffset, factor);
      expect(header + lastTop - realBottom + 36).toBeCloseTo(viewport, 6);
      // At the top nothing moves: the first row is right under the header.
      expect(header + itemTop(0, 0, factor) - 0).toBe(header);
      // Rows stay 36 px apart on screen.
      expect(itemTop(5036, virtualOffset, factor) - itemTop(5000, virtualOffset, factor)).toBe(36);
    },
  );

  it('keeps the old behaviour otherwise', () => {
    const { factor } = scrollScale(1_000_000 * 36, 640);
    const realBottom = MAX_SCROLL_PX - 640;
    const virtualOffset = realBottom * factor;
    const lastTop = itemTop((1_000_000 - 1) * 36, virtualOffset, factor);
    expect(lastTop).toBeGreaterThanOrEqual(realBottom);
    expect(lastTop + 36).toBeLessThanOrEqual(realBottom + 640 + 0.001);
    // Rows stay 36 px apart on screen.
    expect(itemTop(5036, virtualOffset, factor) - itemTop(5000, virtualOffset, factor)).toBe(36);
  });
});

/**
 * Browsers cannot scroll an element taller than about 33 million pixels (Chrome; Firefox stops
 * near 17 million), and a million 36 px rows are 36 million. Past `MAX_SCROLL_PX` the table's
 * scroll range is compressed: the real scroll position maps linearly onto the virtual one, so the
 * scrollbar still spans every row and both ends are reachable; a wheel step moves a little more
 * than usual. Pure.
 */
export const MAX_SCROLL_PX = 8_000_000;

export type ScrollScale = {
  /** Height of the scrolled spacer (real px). */
  spacerPx: number;
  /** Virtual offset = real offset × factor (1 when everything fits). */
  factor: number;
};

/**
 * `contentPx`: all rows; `viewportPx`: the scroll container's height, which includes a sticky
 * header of `headerPx` above the rows. Scrolled to the end, the last row sits at the bottom.
 */
export function scrollScale(
  contentPx: number,
  viewportPx: number,
  headerPx = 0,
  maxPx: number = MAX_SCROLL_PX,
): ScrollScale {
  if (contentPx <= maxPx) return { spacerPx: contentPx, factor: 1 };
  const realRange = maxPx + headerPx - viewportPx;
  const virtualRange = contentPx + headerPx - viewportPx;
  if (realRange <= 0 || virtualRange <= 0) return { spacerPx: maxPx, factor: 1 };
  return { spacerPx: maxPx, factor: virtualRange / realRange };
}

/** Where an item starting at virtual `start` is drawn (real px from the top of the spacer). */
export function itemTop(start: number, virtualOffset: number, factor: number): number {
  return start - virtualOffset + virtualOffset / factor;
}

// Which rows of a long list to put in the DOM: those in view plus a margin (windowing).
//
// Every row has the same height, so a row's place follows from its index; the rows
// above and below the window are stood in for by two spacers of the right height.

export interface Span { start: number; end: number } // rows [start, end)

/**
 * Rows drawn beyond each edge of the view, so Tab always finds the next link and a few
 * wheel steps need no new render. Each drawn row costs about 0.2 ms of the first frame.
 */
export const OVERSCAN = 6;

/**
 * The rows that intersect the view, given where row 0 would start (``top``, relative to
 * the view's top edge, negative once scrolled past), the view's height and the row height.
 */
export function rowsInView(top: number, viewHeight: number, rowHeight: number, count: number): Span {
  const clamp = (n: number) => Math.max(0, Math.min(count, n));
  const start = clamp(Math.floor(-top / rowHeight));
  return { start, end: Math.max(start, clamp(Math.ceil((viewHeight - top) / rowHeight))) };
}

/** The span to draw for ``visible``: the visible rows and ``overscan`` more on each side. */
export function spanToDraw(visible: Span, count: number, overscan = OVERSCAN): Span {
  return { start: Math.max(0, visible.start - overscan), end: Math.min(count, visible.end + overscan) };
}

/** Whether ``drawn`` still covers ``visible``: if so, scrolling needs no new render. */
export function covers(drawn: Span, visible: Span): boolean {
  return drawn.start <= visible.start && visible.end <= drawn.end;
}

/** A span of about ``size`` rows that contains row ``index`` (a row chosen off screen, e.g. by j/k). */
export function spanAround(index: number, size: number, count: number): Span {
  const start = Math.max(0, Math.min(index - Math.floor(size / 2), count - size));
  return { start, end: Math.min(count, start + size) };
}

/** The poka-yoke icons, drawn as plain SVG shapes (no fonts or emoji needed in headless browsers). */
const SHAPES: Record<string, string> = {
  circle: '<circle cx="24" cy="24" r="16"/>',
  square: '<rect x="9" y="9" width="30" height="30" rx="3"/>',
  triangle: '<polygon points="24,7 42,40 6,40"/>',
  diamond: '<polygon points="24,5 43,24 24,43 5,24"/>',
  star: '<polygon points="24,4 29.6,17.5 44,18.4 33,27.7 36.4,42 24,34.3 11.6,42 15,27.7 4,18.4 18.4,17.5"/>',
  hexagon: '<polygon points="24,5 40.5,14.5 40.5,33.5 24,43 7.5,33.5 7.5,14.5"/>',
  cross: '<path d="M18 6h12v12h12v12H30v12H18V30H6V18h12z"/>',
  heart: '<path d="M24 42C6 30 4 18 12 12c6-4 10-1 12 3 2-4 6-7 12-3 8 6 6 18-12 30z"/>',
  moon: '<path d="M30 6A18 18 0 1 0 42 32 14 14 0 1 1 30 6z"/>',
  drop: '<path d="M24 4S10 22 10 30a14 14 0 0 0 28 0C38 22 24 4 24 4z"/>',
  bolt: '<polygon points="28,4 10,27 22,27 18,44 38,19 26,19"/>',
  ring: '<circle cx="24" cy="24" r="14" fill="none" stroke="currentColor" stroke-width="7"/>',
};

export function iconSvg(name: string): string {
  return `<svg viewBox="0 0 48 48" width="48" height="48" fill="currentColor" aria-hidden="true" focusable="false">${SHAPES[name] ?? SHAPES.circle}</svg>`;
}

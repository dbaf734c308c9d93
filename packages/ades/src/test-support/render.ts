/**
 * Renders PDFs with two independent engines, poppler (`pdftoppm`) and MuPDF (`mutool draw`), to raw PPM/PNM
 * (decoded pixels, no image library needed), to check that signing changes nothing a reader sees.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@itsme-sign/test-support/pdf-tools';
import { expect } from 'vitest';

export type Renderer = 'pdftoppm' | 'mutool';
export const RENDERERS: Renderer[] = ['pdftoppm', 'mutool'];
/** Low resolution: fast, and still shows any drawn difference. */
export const RENDER_DPI = 36;

export interface RenderedPage {
  width: number;
  height: number;
  /** The raw pixel bytes (RGB, 8 bits), header stripped. */
  pixels: Buffer;
}

/** Parses a binary PPM (P6) as both tools write it. */
function parsePpm(file: string): RenderedPage {
  const data = readFileSync(file);
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 64).toString('latin1'));
  if (!m) throw new Error(`${file} is not a binary PPM`);
  const [width, height, maxval] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (maxval !== 255) throw new Error(`${file}: unexpected maxval ${maxval}`);
  const pixels = data.subarray(m[0].length);
  if (pixels.length !== width * height * 3) throw new Error(`${file}: truncated pixel data`);
  return { width, height, pixels };
}

/**
 * Every page of `pdf` rendered by `renderer` at `dpi` (files kept in `dir/name.renderer/`). Throws if the
 * tool is missing, fails, or renders no page.
 */
export function renderPages(
  pdf: Uint8Array,
  dir: string,
  name: string,
  renderer: Renderer,
  dpi = RENDER_DPI,
): RenderedPage[] {
  const out = join(dir, `${name}.${renderer}`);
  if (existsSync(out)) rmSync(out, { recursive: true });
  mkdirSync(out, { recursive: true });
  const file = join(out, 'input.pdf');
  writeFileSync(file, pdf);
  const r =
    renderer === 'pdftoppm'
      ? run('pdftoppm', ['-r', `${dpi}`, file, join(out, 'page')])
      : run('mutool', [
          'draw',
          '-q',
          '-c',
          'rgb',
          '-r',
          `${dpi}`,
          '-F',
          'pnm',
          '-o',
          join(out, 'page-%d.ppm'),
          file,
        ]);
  // Not the exit status: mutool exits 1 after any error inside a page (e.g. a missing XObject) yet renders
  // it; a renderer that gives up shows as missing pages (the renderers' page counts are compared too).
  if (r.status === null) throw new Error(`${renderer} was killed on ${name}: ${r.stderr.slice(0, 2000)}`);
  // pdftoppm pads the page number (page-01.ppm …), mutool does not: sort numerically.
  const pages = readdirSync(out)
    .filter((f) => /^page-\d+\.ppm$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  if (pages.length === 0) {
    throw new Error(`${renderer} rendered no page of ${name} (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  }
  return pages.map((f) => parsePpm(join(out, f)));
}

/** Where two renderings differ: undefined if they are identical. */
export function renderingDifference(a: RenderedPage[], b: RenderedPage[]): string | undefined {
  if (a.length !== b.length) return `${a.length} page(s) vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x.width !== y.width || x.height !== y.height)
      return `page ${i + 1}: ${x.width}×${x.height} vs ${y.width}×${y.height}`;
    if (!x.pixels.equals(y.pixels)) {
      let n = 0;
      for (let j = 0; j < x.pixels.length; j++) if (x.pixels[j] !== y.pixels[j]) n++;
      return `page ${i + 1}: ${n} of ${x.pixels.length} pixel bytes differ`;
    }
  }
  return undefined;
}

/**
 * `output` (e.g. the signed `input`) looks exactly like `input` with both renderers: same page count, same
 * pixels on every page. Fails loudly if a renderer is missing or renders nothing.
 */
export function expectSameRendering(input: Uint8Array, output: Uint8Array, dir: string, name: string): void {
  const counts: number[] = [];
  for (const renderer of RENDERERS) {
    const before = renderPages(input, dir, `${name}.input`, renderer);
    const after = renderPages(output, dir, `${name}.output`, renderer);
    expect(renderingDifference(before, after), `${renderer}: ${name} renders differently`).toBeUndefined();
    counts.push(before.length);
  }
  expect(new Set(counts).size, `the renderers disagree on the page count of ${name}: ${counts}`).toBe(1);
}

/**
 * The bounding box, in PDF points from the page's lower left corner, of the pixels that differ between two
 * renderings of one page (undefined when none differ).
 */
export function changedBox(
  a: RenderedPage,
  b: RenderedPage,
  dpi = RENDER_DPI,
): [number, number, number, number] | undefined {
  let [x1, y1, x2, y2] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1];
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 3;
      if (
        a.pixels[i] === b.pixels[i] &&
        a.pixels[i + 1] === b.pixels[i + 1] &&
        a.pixels[i + 2] === b.pixels[i + 2]
      )
        continue;
      [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x), Math.max(y2, y)];
    }
  }
  if (x2 < 0) return undefined;
  const pt = 72 / dpi;
  // Pixel rows count from the top; PDF y from the bottom.
  return [x1 * pt, (a.height - 1 - y2) * pt, (x2 + 1) * pt, (a.height - y1) * pt];
}

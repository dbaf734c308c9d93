/**
 * A TrueType/OpenType font embedded as a subset (Type0 / CIDFontType2, Identity-H), so that any name the
 * certificate holds — Polish, Czech, Greek, Cyrillic — renders as written. fontkit reads the font and
 * writes the subset; the default font is DejaVu Sans (dejavu-fonts-ttf).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { fail } from '../../errors.js';
import { streamBody } from './pdf-stream.js';

/** A font bigger than this is refused (a signature block needs a few dozen glyphs). */
const MAX_FONT_BYTES = 32 << 20;

let defaultFont: Buffer | undefined;
function defaultFontBytes(): Buffer {
  defaultFont ??= readFileSync(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  return defaultFont;
}

export interface EmbeddedFont {
  /** The PDF string operand (hex glyph ids) that shows `text`. */
  show(text: string): string;
  /** Width of `text` at `size` points. */
  width(text: string, size: number): number;
  ascent: number;
  descent: number;
  /** The font's objects, numbered from `first`; the Type0 font is the first one. */
  objects(first: number): { num: number; body: string }[];
}

/** Loads `bytes` (or the default font) for the glyphs of `texts`. */
export function embedFont(texts: string[], bytes?: Uint8Array): EmbeddedFont {
  const data = bytes ? Buffer.from(bytes) : defaultFontBytes();
  if (data.length > MAX_FONT_BYTES)
    fail('INVALID_REQUEST', 'The signature font is larger than 32 MiB.', { field: 'appearance.font' });
  let font: fontkit.Font;
  try {
    const loaded = fontkit.create(data);
    if (!('glyphsForString' in loaded)) throw new Error('a font collection');
    font = loaded as fontkit.Font;
  } catch (cause) {
    return fail('INVALID_REQUEST', 'The signature font could not be read (TrueType or OpenType).', {
      field: 'appearance.font',
      cause,
    });
  }
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset();
  const ids = new Map<number, { id: number; width: number; unicode: string }>();
  const glyphsOf = (text: string) => font.glyphsForString(text.normalize('NFC'));
  for (const text of texts) {
    for (const g of glyphsOf(text)) {
      if (ids.has(g.id)) continue;
      const unicode = String.fromCodePoint(...(g.codePoints.length > 0 ? g.codePoints : [0xfffd]));
      // fontkit returns the glyph's id in the subset (its type declarations say boolean).
      const id = subset.includeGlyph(g) as unknown as number;
      ids.set(g.id, { id, width: Math.round(g.advanceWidth * scale), unicode });
    }
  }
  const encoded = (text: string) => glyphsOf(text).map((g) => ids.get(g.id));
  const bbox = font.bbox;
  const ascent = Math.round(font.ascent * scale);
  const descent = Math.round(font.descent * scale);
  return {
    ascent,
    descent,
    show: (text) =>
      `<${encoded(text)
        .map((e) => (e?.id ?? 0).toString(16).padStart(4, '0'))
        .join('')}>`,
    width: (text, size) => (encoded(text).reduce((w, e) => w + (e?.width ?? 0), 0) * size) / 1000,
    objects(first) {
      const file = Buffer.from(subset.encode());
      const entries = [...ids.values()].sort((a, b) => a.id - b.id);
      // The subset tag: six letters derived from the glyphs (deterministic).
      const tag = createHash('sha256')
        .update(entries.map((e) => e.unicode).join(''))
        .digest()
        .subarray(0, 6)
        .reduce((s, b) => s + String.fromCharCode(65 + (b % 26)), '');
      const name = `/${tag}+${(font.postscriptName ?? 'Font').replace(/[^A-Za-z0-9-]/g, '')}`;
      const [type0, cid, descriptor, fontFile, toUnicode] = [0, 1, 2, 3, 4].map((i) => first + i) as [
        number,
        number,
        number,
        number,
        number,
      ];
      const widths = entries.map((e) => `${e.id} [${e.width}]`).join(' ');
      const cmap = [
        '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
        '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
        '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
        '1 begincodespacerange <0000> <FFFF> endcodespacerange',
        `${entries.length} beginbfchar`,
        ...entries.map(
          (e) =>
            `<${e.id.toString(16).padStart(4, '0')}> <${Buffer.from(e.unicode, 'utf16le').swap16().toString('hex')}>`,
        ),
        'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
      ].join('\n');
      return [
        {
          num: type0,
          body: `<</Type /Font /Subtype /Type0 /BaseFont ${name} /Encoding /Identity-H /DescendantFonts [${cid} 0 R] /ToUnicode ${toUnicode} 0 R>>`,
        },
        {
          num: cid,
          body: `<</Type /Font /Subtype /CIDFontType2 /BaseFont ${name} /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor ${descriptor} 0 R /CIDToGIDMap /Identity /DW 1000 /W [${widths}]>>`,
        },
        {
          num: descriptor,
          body: `<</Type /FontDescriptor /FontName ${name} /Flags 32 /FontBBox [${[bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => Math.round(v * scale)).join(' ')}] /ItalicAngle 0 /Ascent ${ascent} /Descent ${descent} /CapHeight ${Math.round((font.capHeight || font.ascent) * scale)} /StemV 80 /FontFile2 ${fontFile} 0 R>>`,
        },
        { num: fontFile, body: streamBody(`/Length1 ${file.length}`, file) },
        { num: toUnicode, body: streamBody('', Buffer.from(cmap, 'latin1')) },
      ];
    },
  };
}

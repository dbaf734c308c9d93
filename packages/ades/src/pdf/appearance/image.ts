/**
 * A logo for the signature block: JPEG (embedded as is, DCTDecode) or PNG (decoded by pngjs, written as
 * Flate RGB with its alpha channel as a soft mask). Bounded: 4 MiB of file, 16 megapixels.
 */
import { PNG } from 'pngjs';
import { fail } from '../../errors.js';
import { streamBody } from './pdf-stream.js';

const MAX_IMAGE_BYTES = 4 << 20;
const MAX_PIXELS = 16_000_000;

export interface EmbeddedImage {
  width: number;
  height: number;
  /** How many objects `objects()` writes. */
  count: number;
  /** The image XObject (and its soft mask) numbered from `first`; the image is the first one. */
  objects(first: number): { num: number; body: string }[];
}

const refuse = (message: string): never => fail('INVALID_REQUEST', message, { field: 'appearance.image' });

/** Width, height and components from a JPEG's SOF marker. */
function jpegInfo(b: Buffer): { width: number; height: number; components: number } {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return refuse('The signature image is not a readable JPEG.');
    const marker = b[i + 1]!;
    const length = b.readUInt16BE(i + 2);
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7), components: b[i + 9]! };
    }
    i += 2 + length;
  }
  return refuse('The signature image is not a readable JPEG.');
}

export function embedImage(bytes: Uint8Array): EmbeddedImage {
  const data = Buffer.from(bytes);
  if (data.length > MAX_IMAGE_BYTES) refuse('The signature image is larger than 4 MiB.');
  const check = (w: number, h: number) => {
    if (w < 1 || h < 1 || w * h > MAX_PIXELS) refuse('The signature image has more than 16 megapixels.');
  };
  if (data[0] === 0xff && data[1] === 0xd8) {
    const { width, height, components } = jpegInfo(data);
    check(width, height);
    const space = components === 1 ? '/DeviceGray' : components === 4 ? '/DeviceCMYK' : '/DeviceRGB';
    const decode = components === 4 ? ' /Decode [1 0 1 0 1 0 1 0]' : '';
    return {
      width,
      height,
      count: 1,
      objects: (first) => [
        {
          num: first,
          body: `<</Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace ${space} /BitsPerComponent 8${decode} /Filter /DCTDecode /Length ${data.length}>>\nstream\n${data.toString('latin1')}\nendstream`,
        },
      ],
    };
  }
  if (data.subarray(1, 4).toString('latin1') !== 'PNG')
    refuse('The signature image must be a PNG or a JPEG.');
  let png: PNG;
  try {
    // The header first, so that the pixel count is checked before anything is decoded.
    check(data.readUInt32BE(16), data.readUInt32BE(20));
    png = PNG.sync.read(data);
  } catch (cause) {
    if ((cause as { code?: string }).code === 'INVALID_REQUEST') throw cause;
    return refuse('The signature image is not a readable PNG.');
  }
  const { width, height } = png;
  const rgb = Buffer.alloc(width * height * 3);
  const alpha = Buffer.alloc(width * height);
  let opaque = true;
  for (let p = 0; p < width * height; p++) {
    png.data.copy(rgb, p * 3, p * 4, p * 4 + 3);
    alpha[p] = png.data[p * 4 + 3]!;
    if (alpha[p] !== 255) opaque = false;
  }
  const common = `/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /BitsPerComponent 8`;
  return {
    width,
    height,
    count: opaque ? 1 : 2,
    objects: (first) => [
      {
        num: first,
        body: streamBody(`${common} /ColorSpace /DeviceRGB${opaque ? '' : ` /SMask ${first + 1} 0 R`}`, rgb),
      },
      ...(opaque ? [] : [{ num: first + 1, body: streamBody(`${common} /ColorSpace /DeviceGray`, alpha) }]),
    ],
  };
}

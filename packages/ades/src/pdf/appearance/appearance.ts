/**
 * The appearance of a visible signature: a form XObject the size of the widget with a thin border, the
 * optional logo on the left and, on the right, the signer's name as the certificate states it, the role,
 * the signing time and "Signed with itsme®" in the chosen language, in a font subset embedded for them.
 */

import { embedFont } from './font.js';
import { embedImage } from './image.js';
import { APPEARANCE_LABELS, type AppearanceLanguage, displayTime } from './labels.js';
import { streamBody } from './pdf-stream.js';

export interface AppearanceInput {
  width: number;
  height: number;
  signer: string;
  role?: string | undefined;
  time: Date;
  lang: AppearanceLanguage;
  image?: Uint8Array | undefined;
  font?: Uint8Array | undefined;
}

export interface Appearance {
  /** How many objects `objects()` writes. */
  count: number;
  /** The form XObject first, then its font and image, numbered from `first`. */
  objects(first: number): { num: number; body: string }[];
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();

export function buildAppearance(input: AppearanceInput): Appearance {
  const labels = APPEARANCE_LABELS[input.lang];
  const lines = [
    input.signer,
    ...(input.role ? [`${labels.role}: ${input.role}`] : []),
    `${labels.date}: ${displayTime(input.time)}`,
    labels.signedWith,
  ];
  const font = embedFont(lines, input.font);
  const image = input.image ? embedImage(input.image) : undefined;
  const { width: w, height: h } = input;
  const pad = Math.min(4, w / 20, h / 20);
  // The logo: as tall as the block, at most a third of its width, its aspect kept.
  let logo = { w: 0, h: 0 };
  if (image) {
    const scale = Math.min((h - 2 * pad) / image.height, (w / 3 - pad) / image.width);
    logo = { w: image.width * scale, h: image.height * scale };
  }
  const textX = pad + (logo.w > 0 ? logo.w + pad : 0);
  const textWidth = Math.max(1, w - textX - pad);
  const widest = Math.max(...lines.map((l) => font.width(l, 1)));
  const size = Math.max(
    1,
    Math.min(14, (h - 2 * pad) / (lines.length * 1.25), textWidth / Math.max(widest, 1e-6)),
  );
  const lead = size * 1.25;
  const top = h - pad - (size * font.ascent) / 1000;
  const text = lines.map((l, i) => `${i === 0 ? '' : `0 ${n(-lead)} Td `}${font.show(l)} Tj`).join('\n');
  const content = [
    `q 0.2 0.2 0.2 RG 0.75 w 0.375 0.375 ${n(w - 0.75)} ${n(h - 0.75)} re S Q`,
    ...(image ? [`q ${n(logo.w)} 0 0 ${n(logo.h)} ${n(pad)} ${n((h - logo.h) / 2)} cm /Img Do Q`] : []),
    `BT /F1 ${n(size)} Tf 0.1 0.1 0.1 rg ${n(textX)} ${n(top)} Td\n${text}\nET`,
  ].join('\n');
  const count = 1 + 5 + (image?.count ?? 0);
  return {
    count,
    objects(first) {
      const fontFirst = first + 1;
      const imageFirst = first + 6;
      const resources = `/Resources <</Font <</F1 ${fontFirst} 0 R>>${image ? ` /XObject <</Img ${imageFirst} 0 R>>` : ''}>>`;
      return [
        {
          num: first,
          body: streamBody(
            `/Type /XObject /Subtype /Form /BBox [0 0 ${n(w)} ${n(h)}] ${resources}`,
            Buffer.from(content, 'latin1'),
          ),
        },
        ...font.objects(fontFirst),
        ...(image ? image.objects(imageFirst) : []),
      ];
    },
  };
}

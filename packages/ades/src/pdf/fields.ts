/**
 * The signature fields of a form: the AcroForm's field tree walked through the cross-reference chain (with
 * bounds), each signature field with its full name, its widget (page and rectangle), and whether it is
 * signed — and by whom, read from the CMS in its /Contents. Also the document's certification (DocMDP).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PDF_LIMITS } from './limits.js';
import { intOf, nameOf, PdfDict, PdfNumber, type PdfObject, PdfRef, PdfString } from './objects.js';
import type { PdfFile } from './pdf-file.js';

/** Deeper field hierarchies than any real form has. */
const MAX_FIELD_DEPTH = 32;

export interface SignatureFieldNode {
  /** Full name (partial names joined by dots). */
  name: string;
  /** The field's object (for a field merged with its widget, the widget too). */
  ref: PdfRef;
  dict: PdfDict;
  /** Its (first) widget annotation. */
  widget: { ref: PdfRef; dict: PdfDict } | undefined;
  /** The widget's /Rect, normalised [x1 y1 x2 y2]. */
  rect: [number, number, number, number] | undefined;
  /** The widget's page (/P), if it says. */
  pageRef: PdfRef | undefined;
  /** The signature dictionary in /V, when signed. */
  signature: PdfDict | undefined;
}

const decodeName = (s: PdfString) =>
  s.bytes[0] === 0xfe && s.bytes[1] === 0xff
    ? Buffer.from(s.bytes.subarray(2, 2 + ((s.bytes.length - 2) & ~1)))
        .swap16()
        .toString('utf16le')
    : s.bytes.toString('latin1');

export function rectOf(value: PdfObject | undefined): [number, number, number, number] | undefined {
  if (!Array.isArray(value) || value.length !== 4 || !value.every((v) => v instanceof PdfNumber))
    return undefined;
  const [a, b, c, d] = value.map((v) => (v as PdfNumber).value) as [number, number, number, number];
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

/** Every signature field of the form (empty or signed), depth first. */
export async function signatureFields(file: PdfFile, fields: PdfObject[]): Promise<SignatureFieldNode[]> {
  const out: SignatureFieldNode[] = [];
  let visited = 0;
  const walk = async (ref: PdfObject, parent: string, ft: string | undefined, depth: number) => {
    if (!(ref instanceof PdfRef) || depth > MAX_FIELD_DEPTH || ++visited > PDF_LIMITS.maxArrayEntries) return;
    const dict = await file.resolve(ref);
    if (!(dict instanceof PdfDict)) return;
    const t = dict.get('T');
    const name = t instanceof PdfString ? (parent ? `${parent}.${decodeName(t)}` : decodeName(t)) : parent;
    const type = nameOf(dict.get('FT')) ?? ft;
    const kids = await file.deref(dict.get('Kids'));
    const childFields: PdfRef[] = [];
    let widget: SignatureFieldNode['widget'];
    if (Array.isArray(kids)) {
      for (const kid of kids) {
        if (!(kid instanceof PdfRef)) continue;
        const k = await file.resolve(kid);
        if (!(k instanceof PdfDict)) continue;
        if (k.get('T') !== undefined) childFields.push(kid);
        else widget ??= { ref: kid, dict: k };
      }
    } else if (nameOf(dict.get('Subtype')) === 'Widget' || dict.get('Rect') !== undefined) {
      widget = { ref, dict };
    }
    if (type === 'Sig' && childFields.length === 0) {
      const v = await file.deref(dict.get('V'));
      const p = widget?.dict.get('P');
      out.push({
        name,
        ref,
        dict,
        widget,
        rect: rectOf(await file.deref(widget?.dict.get('Rect'))),
        pageRef: p instanceof PdfRef ? p : undefined,
        signature: v instanceof PdfDict ? v : undefined,
      });
    }
    for (const child of childFields) await walk(child, name, type, depth + 1);
  };
  for (const f of fields.slice(0, PDF_LIMITS.maxArrayEntries)) await walk(f, '', undefined, 0);
  return out;
}

/** The signer's name in a signature dictionary: the CMS signer certificate's CN, else /Name. */
export function signerOf(signature: PdfDict): string | undefined {
  const contents = signature.get('Contents');
  if (contents instanceof PdfString && contents.bytes.length <= 1 << 20) {
    try {
      const asn1 = asn1js.fromBER(contents.bytes);
      const signed = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1.result }).content });
      const sid = signed.signerInfos[0]?.sid;
      const cert = signed.certificates?.find(
        (c): c is pkijs.Certificate =>
          c instanceof pkijs.Certificate &&
          sid instanceof pkijs.IssuerAndSerialNumber &&
          c.serialNumber.isEqual(sid.serialNumber),
      );
      const cn = cert?.subject.typesAndValues.find((tv) => tv.type === '2.5.4.3');
      if (cn) return String(cn.value.valueBlock.value);
    } catch {
      // Not a CMS we can read: fall back to /Name.
    }
  }
  const name = signature.get('Name');
  return name instanceof PdfString ? decodeName(name) : undefined;
}

/** The DocMDP permission level of a certified document (1, 2 or 3), or undefined. */
export async function certificationLevel(file: PdfFile, catalog: PdfDict): Promise<1 | 2 | 3 | undefined> {
  const perms = await file.deref(catalog.get('Perms'));
  if (!(perms instanceof PdfDict)) return undefined;
  const sig = await file.deref(perms.get('DocMDP'));
  if (!(sig instanceof PdfDict)) return undefined;
  const refs = await file.deref(sig.get('Reference'));
  for (const r of Array.isArray(refs) ? refs : []) {
    const ref = await file.deref(r);
    if (!(ref instanceof PdfDict) || nameOf(ref.get('TransformMethod')) !== 'DocMDP') continue;
    const params = await file.deref(ref.get('TransformParams'));
    const p = params instanceof PdfDict ? (intOf(await file.deref(params.get('P'))) ?? 2) : 2;
    return p === 1 || p === 3 ? p : 2;
  }
  return 2;
}

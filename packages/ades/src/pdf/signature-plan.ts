/**
 * Decides what the signature's incremental update writes: the signature dictionary (with DocMDP or
 * FieldMDP references), the field and its widget — an existing empty signature field chosen by name, or a
 * new one on a chosen page, visible in a rectangle or invisible — its appearance, the page's /Annots, the
 * AcroForm and the catalog. Reads what it needs first (`planSignature`, registering every object it will
 * rewrite), then numbers the new objects (`objects(first)`) once the first free number is known.
 */
import { fail } from '../errors.js';
import type { AppearanceLanguage } from './appearance/labels.js';
import type { SignatureFieldNode } from './fields.js';
import {
  intOf,
  PdfDict,
  PdfName,
  PdfNumber,
  type PdfObject,
  PdfRef,
  PdfString,
  serialize,
} from './objects.js';
import { pageAt } from './pages.js';
import { arrayOf, type PdfStructure } from './pdf-reader.js';
import { pdfDate, pdfTextString } from './pdf-text.js';
import { signatureDictionary, type UpdateObject } from './update-writer.js';

export type Rect = [number, number, number, number];

export interface SignatureFieldChoice {
  /** An existing empty signature field to sign (full name), or the name of the new field. */
  name?: string;
  /** Page of a new field (1-based). Default 1. */
  page?: number;
  /** Rectangle of a new visible field, in the page's default user space [x1 y1 x2 y2]. None: invisible. */
  rect?: Rect;
}

export interface AppearanceOptions {
  /** Language of "Signed with itsme®", the date and role labels. Default EN. */
  lang?: AppearanceLanguage;
  /** A PNG or JPEG logo shown on the left of the block. */
  image?: Uint8Array;
  /** A TrueType/OpenType font for the text. Default DejaVu Sans. */
  font?: Uint8Array;
}

export interface PlanOptions {
  /** A signature (default) or a document timestamp (RFC 3161 token, B-LTA; invisible, nothing else). */
  kind?: 'signature' | 'timestamp';
  signingTime: Date;
  contentsBytes: number;
  reason?: string | undefined;
  location?: string | undefined;
  contactInfo?: string | undefined;
  /** `'next-empty'`: the first empty signature field of the form (a new invisible one if there is none). */
  field?: SignatureFieldChoice | 'next-empty' | undefined;
  /** The appearance of a visible signature; `false`: invisible even in a field with a rectangle. */
  appearance?: AppearanceOptions | false | undefined;
  /** The signer's name as the certificate states it, and the claimed role (shown in the appearance). */
  signer: string;
  role?: string | undefined;
  /** Certify the document (DocMDP): 1 no changes, 2 form filling and signing, 3 also annotations. */
  certify?: 1 | 2 | 3 | undefined;
  /** Lock form fields once signed (FieldMDP): all of them, or these full names. */
  lockFields?: 'all' | string[] | undefined;
}

export interface SignaturePlan {
  fieldName: string;
  visible: boolean;
  /** The objects to write, new ones numbered from `first`; `next` is the first number left free. */
  objects(first: number): { objects: UpdateObject[]; next: number; signature: number };
}

const refuse = (message: string, field = 'document'): never => fail('INVALID_REQUEST', message, { field });

function checkRect(rect: Rect): void {
  if (rect.length !== 4 || !rect.every(Number.isFinite) || rect[2] <= rect[0] || rect[3] <= rect[1])
    refuse('The signature rectangle must be [x1 y1 x2 y2] with x2 > x1 and y2 > y1.', 'signatureField.rect');
}

/** Names of the form's top-level fields (a new field must not take one). */
async function topLevelNames(s: PdfStructure): Promise<Set<string>> {
  const names = new Set(s.signatureFields.map((f) => f.name));
  for (const f of s.fields.array) {
    const d = await s.file.deref(f);
    const t = d instanceof PdfDict ? d.get('T') : undefined;
    if (t instanceof PdfString) names.add(t.bytes.toString('latin1'));
  }
  return names;
}

/** Reads and checks what the signature needs; the objects are numbered later. */
export async function planSignature(s: PdfStructure, o: PlanOptions): Promise<SignaturePlan> {
  // A document timestamp (with the /DSS) is allowed in certified documents at every level (ISO 32000-2 §12.8.2.2).
  const timestamp = o.kind === 'timestamp';
  if (s.certification === 1 && !timestamp)
    refuse('The document is certified with no changes allowed (DocMDP P=1): it cannot be signed again.');
  if (o.certify !== undefined && s.signatureFields.some((f) => f.signature))
    refuse('Only the first signature of a document can certify it; this one is already signed.', 'certify');
  const next = o.field === 'next-empty';
  const choice = o.field === 'next-empty' ? undefined : o.field;
  const chosen = next
    ? s.signatureFields.find((f) => !f.signature && f.widget)
    : choice?.name
      ? s.signatureFields.find((f) => f.name === choice.name)
      : undefined;
  if (chosen?.signature)
    refuse(`The signature field "${chosen.name}" is already signed.`, 'signatureField.name');
  if (!chosen && s.certification === 2 && !timestamp)
    refuse(
      'The document is certified for form filling and signing only (DocMDP P=2): sign one of its empty signature fields.',
      'signatureField.name',
    );
  if (choice?.rect) checkRect(choice.rect);
  const existing = chosen ? await existingField(s, chosen) : undefined;
  const rect = existing ? existing.rect : choice?.rect;
  const visible = o.appearance !== false && rect !== undefined && rect[2] > rect[0] && rect[3] > rect[1];
  // Loaded on first use: fontkit and pngjs are only needed for visible signatures.
  const appearance =
    visible && rect
      ? (await import('./appearance/appearance.js')).buildAppearance({
          width: rect[2] - rect[0],
          height: rect[3] - rect[1],
          signer: o.signer,
          role: o.role,
          time: o.signingTime,
          lang: (o.appearance || undefined)?.lang ?? 'EN',
          image: (o.appearance || undefined)?.image,
          font: (o.appearance || undefined)?.font,
        })
      : undefined;
  const fresh = existing ? undefined : await newFieldContext(s, choice);
  const lockNames = o.lockFields === 'all' ? undefined : o.lockFields;
  const fieldName = chosen?.name ?? fresh!.name;

  return {
    fieldName,
    visible,
    objects(first) {
      let next = first;
      const sig = next++;
      const out: UpdateObject[] = [];
      const write = (ref: PdfRef | number, body: PdfObject | string) =>
        out.push({
          num: typeof ref === 'number' ? ref : ref.num,
          gen: typeof ref === 'number' ? 0 : ref.gen,
          body: typeof body === 'string' ? body : serialize(body),
        });
      const widgetNum = existing ? existing.widget.ref.num : next++;
      // A new AcroForm object when a new field goes into a form that is missing or written in the catalog.
      const acroNum =
        !existing && !(s.acroForm.entry instanceof PdfRef && s.acroForm.dict) ? next++ : undefined;
      const apNum = appearance ? next : undefined;
      if (appearance) next += appearance.count;

      const references: string[] = [];
      if (o.certify !== undefined)
        references.push(
          `<</Type /SigRef /TransformMethod /DocMDP /TransformParams <</Type /TransformParams /P ${o.certify} /V /1.2>>>>`,
        );
      if (o.lockFields !== undefined)
        references.push(
          `<</Type /SigRef /TransformMethod /FieldMDP /Data ${s.rootRef} /TransformParams <</Type /TransformParams ${lockEntries(lockNames)} /V /1.2>>>>`,
        );
      write(
        sig,
        o.kind === 'timestamp'
          ? signatureDictionary(o.contentsBytes, [], 'timestamp')
          : signatureDictionary(o.contentsBytes, [
              `/M ${pdfTextString(pdfDate(o.signingTime))}`,
              ...(o.reason ? [`/Reason ${pdfTextString(o.reason)}`] : []),
              ...(o.location ? [`/Location ${pdfTextString(o.location)}`] : []),
              ...(o.contactInfo ? [`/ContactInfo ${pdfTextString(o.contactInfo)}`] : []),
              ...(references.length > 0 ? [`/Reference [${references.join(' ')}]`] : []),
            ]),
      );
      const sigRef = new PdfRef(sig, 0);
      const ap = apNum !== undefined ? new PdfDict(new Map([['N', new PdfRef(apNum, 0)]])) : undefined;
      const lock =
        o.lockFields !== undefined ? `/Lock <</Type /SigFieldLock ${lockEntries(lockNames)}>>` : '';

      if (existing) {
        // Sign the existing field: /V on the field, the appearance on its widget (the same object if merged).
        let field = existing.field.dict.with('V', sigRef);
        if (lock) field = field.with('Lock', lockDict(lockNames));
        if (existing.widget.ref.num === existing.field.ref.num) {
          write(existing.field.ref, withAppearance(field, ap));
        } else {
          write(existing.field.ref, field);
          write(existing.widget.ref, withAppearance(existing.widget.dict, ap));
        }
      } else {
        const f = fresh!;
        const r = rect ?? [0, 0, 0, 0];
        write(
          widgetNum,
          `<</Type /Annot /Subtype /Widget /FT /Sig /F ${visible ? 4 : 132} /Rect [${r.join(' ')}] /T ${pdfTextString(f.name)} /V ${sigRef} /P ${f.page.ref}${ap ? ` /AP ${serialize(ap)}` : ''}${lock ? ` ${lock}` : ''}>>`,
        );
        const widgetRef = new PdfRef(widgetNum, 0);
        const annots = [...f.annots, widgetRef];
        if (f.annotsEntry instanceof PdfRef) write(f.annotsEntry, annots);
        else write(f.page.ref, f.page.dict.with('Annots', annots));
        const fields = [...s.fields.array, widgetRef];
        let acroForm = s.acroForm.dict ?? new PdfDict();
        if (s.fields.entry instanceof PdfRef) write(s.fields.entry, fields);
        else acroForm = acroForm.with('Fields', fields);
        acroForm = acroForm.with('SigFlags', PdfNumber.of(3));
        write(acroNum ?? (s.acroForm.entry as PdfRef), acroForm);
      }
      let catalog = s.catalog;
      const acro = s.acroForm.dict;
      if (existing && acro && intOf(acro.get('SigFlags')) !== 3) {
        // Keep /SigFlags 3 (signatures exist, append only) on the form.
        const flagged = acro.with('SigFlags', PdfNumber.of(3));
        if (s.acroForm.entry instanceof PdfRef) write(s.acroForm.entry, flagged);
        else catalog = catalog.with('AcroForm', flagged);
      }
      if (acroNum !== undefined) catalog = catalog.with('AcroForm', new PdfRef(acroNum, 0));
      if (o.certify !== undefined)
        catalog = catalog.with('Perms', new PdfDict(new Map([['DocMDP', sigRef]])));
      if (catalog !== s.catalog) write(s.rootRef, catalog);
      if (appearance && apNum !== undefined) for (const a of appearance.objects(apNum)) write(a.num, a.body);
      return { objects: out, next, signature: sig };
    },
  };
}

function withAppearance(dict: PdfDict, ap: PdfDict | undefined): PdfDict {
  const d = ap ? dict.with('AP', ap) : dict;
  // Visible: printed; the widget's other flags stay.
  return ap ? d.with('F', PdfNumber.of(4)) : d;
}

function lockEntries(names: string[] | undefined): string {
  return names === undefined
    ? '/Action /All'
    : `/Action /Include /Fields [${names.map(pdfTextString).join(' ')}]`;
}

function lockDict(names: string[] | undefined): PdfDict {
  const d = new PdfDict(new Map<string, PdfObject>([['Type', PdfName.of('SigFieldLock')]]));
  return names === undefined
    ? d.with('Action', PdfName.of('All'))
    : d.with('Action', PdfName.of('Include')).with(
        'Fields',
        names.map((n) => new PdfString(Buffer.from(n, 'latin1'))),
      );
}

/** An existing empty field: its widget and rectangle; the objects it rewrites are registered. */
async function existingField(s: PdfStructure, f: SignatureFieldNode) {
  if (!f.widget) return refuse(`The signature field "${f.name}" has no widget.`, 'signatureField.name');
  await s.rely(f.ref);
  await s.rely(f.widget.ref);
  if (s.acroForm.entry instanceof PdfRef) await s.rely(s.acroForm.entry);
  return { field: { ref: f.ref, dict: f.dict }, widget: f.widget, rect: f.rect };
}

/** A new field: its name, its page and the page's annotations; the objects it rewrites are registered. */
async function newFieldContext(s: PdfStructure, choice: SignatureFieldChoice | undefined) {
  const names = await topLevelNames(s);
  let name = choice?.name;
  if (name !== undefined && (name.length === 0 || name.includes('.') || name.length > 255))
    refuse('A new signature field needs a name without dots, of 1 to 255 characters.', 'signatureField.name');
  if (name === undefined) for (let i = 1; name === undefined || names.has(name); i++) name = `Signature${i}`;
  else if (names.has(name))
    refuse(`A form field named "${name}" exists and is not an empty signature field.`, 'signatureField.name');
  const number = choice?.page ?? 1;
  if (!Number.isSafeInteger(number) || number < 1)
    refuse('The page must be a positive integer.', 'signatureField.page');
  const page = await pageAt(s.file, s.catalog, number);
  for (const node of [...page.nodes, page.ref]) await s.rely(node);
  const annotsEntry = page.dict.get('Annots');
  if (annotsEntry instanceof PdfRef) await s.rely(annotsEntry);
  const annots = await arrayOf(s.file, annotsEntry, `annotation list of page ${number}`);
  return { name, page, annots, annotsEntry };
}

/**
 * Long-term validation of PAdES signatures (ETSI EN 319 142-1): B-LT adds a /DSS update with the
 * certificates, OCSP responses and CRLs of the last signature's chain and of its timestamp's TSA (fetched
 * and checked now); B-LTA adds, on top, a document timestamp (RFC 3161, /SubFilter /ETSI.RFC3161) covering
 * everything. `extendPades` also augments PDFs signed earlier (by us or anyone else).
 */
import { type CertificateInput, sharedCertificates } from './certificates.js';
import { chainOf, cmsCertificates } from './cms-read.js';
import { type ContentInput, readContent } from './content.js';
import { fail } from './errors.js';
import { planDss, type ValidationData } from './pdf/dss.js';
import { PdfString } from './pdf/objects.js';
import { openPdf } from './pdf/open-pdf.js';
import { readPdfStructure } from './pdf/pdf-reader.js';
import { checkAgainstFile } from './pdf/shadow-check.js';
import { planSignature } from './pdf/signature-plan.js';
import { writeUpdate } from './pdf/update-writer.js';
import { checkRevocation, type RevocationOptions } from './revocation.js';
import { requestTimestamp, type TsaOptions } from './timestamp.js';

export interface ExtendOptions {
  level: 'B-LT' | 'B-LTA';
  /** The CA certificates the chains lead to (they are embedded too). */
  trustAnchors: CertificateInput[];
  /** Required for B-LTA (the document timestamp). */
  tsa?: TsaOptions;
  /** Default mode `require`. */
  revocation?: RevocationOptions;
  /** Validation data already fetched (finalize passes what its own check fetched). */
  validationData?: ValidationData;
}

/** Room for the document timestamp token (the TSA's certificates included). */
const DOC_TIMESTAMP_BYTES = 16_384;

/** Appends the DSS update (B-LT) and, for B-LTA, the document timestamp. */
export async function extendPades(pdf: ContentInput, options: ExtendOptions): Promise<Uint8Array> {
  if (options.level === 'B-LTA' && !options.tsa)
    fail('INVALID_CONFIG', 'Level B-LTA needs a time-stamping authority (tsa.url).', { field: 'tsa' });
  let bytes: Buffer = Buffer.from(await readContent(pdf));
  const anchors = sharedCertificates(options.trustAnchors);
  const structure = await readPdfStructure((await openPdf(bytes)).source);
  const last = structure.signatureFields
    .filter((f) => f.signature)
    .at(-1)
    ?.signature?.get('Contents');
  if (!(last instanceof PdfString))
    return fail('INVALID_REQUEST', 'The PDF has no signature to extend.', { field: 'document' });
  const { signer, tsa } = cmsCertificates(last.bytes);
  const now = new Date();
  const mode = { mode: 'require' as const, ...options.revocation };
  const fetched = [
    options.validationData ?? { certs: [], ocsps: [], crls: [] },
    await checkRevocation(chainOf(signer), anchors, now, mode),
    ...(tsa.length > 0 ? [await checkRevocation(chainOf(tsa), anchors, now, mode)] : []),
  ];
  const data: ValidationData = {
    certs: [...signer, ...tsa, ...anchors].map((c) => c.der).concat(fetched.flatMap((f) => f.certs)),
    ocsps: fetched.flatMap((f) => f.ocsps),
    crls: fetched.flatMap((f) => f.crls),
  };
  bytes = await appendUpdate(bytes, async (s) => {
    const dss = await planDss(s, data);
    return (first) => ({ ...dss.objects(first), signature: undefined });
  });
  if (options.level === 'B-LTA') bytes = await addDocumentTimestamp(bytes, options.tsa!);
  return bytes;
}

type Planner = (s: Awaited<ReturnType<typeof readPdfStructure>>) => Promise<
  (first: number) => {
    objects: { num: number; gen: number; body: string }[];
    next: number;
    signature: number | undefined;
  }
>;

/** Reads `bytes`, plans an update, checks the file, writes the update; returns the whole new file. */
async function appendUpdate(bytes: Buffer, plan: Planner, contentsBytes = 0): Promise<Buffer> {
  const opened = await openPdf(bytes);
  const s = await readPdfStructure(opened.source);
  const objectsFrom = await plan(s);
  const first = await checkAgainstFile(s, opened.scan);
  const { objects, next, signature } = objectsFrom(first);
  const last = bytes[bytes.length - 1];
  const update = writeUpdate(
    { length: bytes.length, endsWithEol: last === 0x0a || last === 0x0d, hash: opened.scan.hash },
    s,
    objects,
    next,
    signature === undefined ? undefined : { num: signature, contentsBytes },
    new Date().toISOString(),
  );
  const out = Buffer.concat([bytes, update.section]);
  return Object.assign(out, { byteRange: update.byteRange });
}

/** A document timestamp over the whole file as it is (B-LTA). */
async function addDocumentTimestamp(bytes: Buffer, tsa: TsaOptions): Promise<Buffer> {
  const out = (await appendUpdate(
    bytes,
    async (s) => {
      const plan = await planSignature(s, {
        kind: 'timestamp',
        signingTime: new Date(),
        contentsBytes: DOC_TIMESTAMP_BYTES,
        signer: '',
        appearance: false,
      });
      return (first) => plan.objects(first);
    },
    DOC_TIMESTAMP_BYTES,
  )) as Buffer & { byteRange: [number, number, number, number] };
  const [, a, b] = out.byteRange;
  const token = await requestTimestamp(Buffer.concat([out.subarray(0, a), out.subarray(b)]), tsa);
  const hex = Buffer.from(token.token).toString('hex');
  if (hex.length > DOC_TIMESTAMP_BYTES * 2)
    fail('SIGNATURE_TOO_LARGE', 'The document timestamp does not fit the space reserved for it.');
  const result = Buffer.from(out);
  result.write(hex, a + 1, 'latin1');
  return result;
}

/**
 * The Document Security Store (PAdES B-LT, ETSI EN 319 142-1 §5.4): an incremental update that adds the
 * certificates, OCSP responses and CRLs a validator needs to the catalog's /DSS (existing entries are kept).
 */

import { streamBody } from './appearance/pdf-stream.js';
import { PdfDict, PdfRef, serialize } from './objects.js';
import { arrayOf, type PdfStructure } from './pdf-reader.js';
import type { UpdateObject } from './update-writer.js';

export interface ValidationData {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
}

const KEYS = { certs: 'Certs', ocsps: 'OCSPs', crls: 'CRLs' } as const;

/** The objects of the DSS update, numbered from `first`; registers the objects it rewrites. */
export async function planDss(s: PdfStructure, data: ValidationData) {
  const dssEntry = s.catalog.get('DSS');
  const existing = await s.file.deref(dssEntry);
  const dss = existing instanceof PdfDict ? existing : new PdfDict();
  if (dssEntry instanceof PdfRef) await s.rely(dssEntry);
  const arrays = {
    certs: await arrayOf(s.file, dss.get('Certs'), 'DSS /Certs'),
    ocsps: await arrayOf(s.file, dss.get('OCSPs'), 'DSS /OCSPs'),
    crls: await arrayOf(s.file, dss.get('CRLs'), 'DSS /CRLs'),
  };
  // The same response or certificate once.
  const unique = (items: Uint8Array[]) => [
    ...new Map(items.map((i) => [Buffer.from(i).toString('base64'), i])).values(),
  ];
  return {
    objects(first: number): { objects: UpdateObject[]; next: number } {
      let next = first;
      const objects: UpdateObject[] = [];
      let dict = dss;
      for (const key of ['certs', 'ocsps', 'crls'] as const) {
        const refs = unique(data[key]).map((der) => {
          const num = next++;
          objects.push({ num, gen: 0, body: streamBody('', der) });
          return new PdfRef(num, 0);
        });
        if (refs.length > 0) dict = dict.with(KEYS[key], [...arrays[key], ...refs]);
      }
      if (dssEntry instanceof PdfRef) {
        objects.push({ num: dssEntry.num, gen: dssEntry.gen, body: serialize(dict) });
      } else {
        const num = next++;
        objects.push({ num, gen: 0, body: serialize(dict) });
        objects.push({
          num: s.rootRef.num,
          gen: s.rootRef.gen,
          body: serialize(s.catalog.with('DSS', new PdfRef(num, 0))),
        });
      }
      return { objects, next };
    },
  };
}

/**
 * The page tree, walked through the cross-reference chain with bounds: page N (1-based, skipping subtrees
 * by their /Count), and the number of every page (for listing fields). Page-tree nodes are returned with
 * the page so that the update can refuse shadowed copies of them.
 */
import { fail } from '../errors.js';
import { intOf, nameOf, PdfDict, PdfRef } from './objects.js';
import type { PdfFile } from './pdf-file.js';

/** More nested page-tree levels than any real file has. */
const MAX_DEPTH = 256;
/** Pages numbered when listing fields; a field on a later page is listed without its page number. */
export const MAX_PAGES_NUMBERED = 10_000;

export interface PdfPage {
  ref: PdfRef;
  dict: PdfDict;
  /** 1-based. */
  number: number;
  /** The page-tree nodes on the way (root first). */
  nodes: PdfRef[];
}

const bad = (): never => fail('INVALID_REQUEST', 'The PDF page tree is invalid.', { field: 'document' });

/** Page `number` (1-based). */
export async function pageAt(file: PdfFile, catalog: PdfDict, number: number): Promise<PdfPage> {
  const root = catalog.get('Pages');
  if (!(root instanceof PdfRef)) return bad();
  const nodes: PdfRef[] = [];
  let left = number - 1;
  let ref = root;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    if (nodes.some((n) => n.num === ref.num)) return bad();
    nodes.push(ref);
    const node = await file.resolve(ref);
    if (!(node instanceof PdfDict)) return bad();
    const type = nameOf(node.get('Type'));
    if (type === 'Page' || (type === undefined && node.get('Kids') === undefined)) {
      if (left !== 0) return bad();
      nodes.pop();
      return { ref, dict: node, number, nodes };
    }
    const kids = await file.deref(node.get('Kids'));
    if (!Array.isArray(kids)) return bad();
    let next: PdfRef | undefined;
    for (const kid of kids) {
      if (!(kid instanceof PdfRef)) return bad();
      const k = await file.resolve(kid);
      if (!(k instanceof PdfDict)) return bad();
      const count = nameOf(k.get('Type')) === 'Pages' ? intOf(await file.deref(k.get('Count'))) : 1;
      if (count === undefined || count < 0) return bad();
      if (left < count) {
        next = kid;
        break;
      }
      left -= count;
    }
    if (!next)
      return fail('INVALID_REQUEST', `The PDF has no page ${number}.`, { field: 'signatureField.page' });
    ref = next;
  }
  return bad();
}

/** Page numbers of the first `MAX_PAGES_NUMBERED` pages, by object number of the page. */
export async function pageNumbers(file: PdfFile, catalog: PdfDict): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const seen = new Set<number>();
  const root = catalog.get('Pages');
  const visit = async (ref: PdfRef, depth: number): Promise<void> => {
    if (out.size >= MAX_PAGES_NUMBERED || depth > MAX_DEPTH || seen.has(ref.num)) return;
    seen.add(ref.num);
    const node = await file.resolve(ref);
    if (!(node instanceof PdfDict)) return;
    if (nameOf(node.get('Type')) === 'Page') {
      out.set(ref.num, out.size + 1);
      return;
    }
    const kids = await file.deref(node.get('Kids'));
    if (Array.isArray(kids)) for (const kid of kids) if (kid instanceof PdfRef) await visit(kid, depth + 1);
  };
  if (root instanceof PdfRef) await visit(root, 0);
  return out;
}

/**
 * The bounds of the PDF reader: every loop and every allocation driven by the file is capped by one of
 * these, so a hostile PDF costs bounded time and memory and is refused with a message that names the bound.
 * Real files stay far below each of them.
 */
export const PDF_LIMITS = {
  /** Cross-reference sections followed through /Prev (incremental updates). */
  maxXrefSections: 1_000,
  /** Highest object number a new object may get (PDF 1.7 Annex C: 8,388,607 indirect objects). */
  maxObjectNumber: 8_388_607,
  /** Nesting of arrays and dictionaries in one object. */
  maxNesting: 64,
  /** Bytes one object (outside its stream data) may span. */
  maxObjectBytes: 4 << 20,
  /** Bytes of one decoded xref or object stream (inflate stops there). */
  maxDecodedStream: 16 << 20,
  /** Decoded bytes of all the xref and object streams read for one document. */
  maxDecodedTotal: 64 << 20,
  /** Objects resolved for one document (catalog, page tree, form fields, annotations…). */
  maxResolvedObjects: 20_000,
  /** Entries of a form's /Fields or a page's /Annots read. */
  maxArrayEntries: 100_000,
  /** Later, unlisted copies of the objects the update rewrites that are compared with the listed one. */
  maxShadowCandidates: 64,
} as const;

/** Document content as bytes or a stream: hashing in constant memory, or reading fully when needed. */
import { createHash } from 'node:crypto';

/** Bytes, a stream of chunks, or a function that opens a fresh stream (as core's `DocumentSource.data`). */
export type ContentInput = Uint8Array | AsyncIterable<Uint8Array> | (() => AsyncIterable<Uint8Array>);

function open(input: ContentInput): Uint8Array | AsyncIterable<Uint8Array> {
  return typeof input === 'function' ? input() : input;
}

/** SHA-256 of the content; streams are hashed chunk by chunk (constant memory). */
export async function sha256Content(input: ContentInput): Promise<Uint8Array> {
  const hash = createHash('sha256');
  const source = open(input);
  if (source instanceof Uint8Array) hash.update(source);
  else for await (const chunk of source) hash.update(chunk);
  return new Uint8Array(hash.digest());
}

/** The whole content in one buffer (PAdES needs random access to the PDF). */
export async function readContent(input: ContentInput): Promise<Uint8Array> {
  const source = open(input);
  if (source instanceof Uint8Array) return source;
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks); // a Buffer is a Uint8Array: no second copy
}

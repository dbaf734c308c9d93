/** The body of a stream object the update writes: its dictionary and data (Flate-compressed if asked). */
import { deflateSync } from 'node:zlib';

export function streamBody(entries: string, data: Uint8Array, compress = true): string {
  const bytes = compress ? deflateSync(data) : Buffer.from(data);
  const filter = compress ? ' /Filter /FlateDecode' : '';
  return `<<${entries}${filter} /Length ${bytes.length}>>\nstream\n${bytes.toString('latin1')}\nendstream`;
}

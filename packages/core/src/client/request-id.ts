/** The `reqID` of DSS requests. */
import { randomFillSync } from 'node:crypto';

/** Random bytes for request ids, filled 256 ids at a time (one call into the CSPRNG instead of one per id). */
const idPool = Buffer.alloc(18 * 256);
let idOffset = idPool.length;

/** `ReqID` + 24 random characters (the format of the guide's examples). */
export function newRequestId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  idOffset += 18;
  return `ReqID${idPool.toString('base64url', idOffset - 18, idOffset)}`;
}

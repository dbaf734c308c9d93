/** pkijs on Node's WebCrypto, set once (imported lazily: pkijs is not on the sandbox's start-up path). */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let engineSet = false;
export function ensurePkijsEngine(): void {
  if (engineSet) return;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));
  engineSet = true;
}

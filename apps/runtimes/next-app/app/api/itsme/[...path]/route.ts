/** Next.js App Router: every itsme® Sign route under /api/itsme, answered by core's Web handler. */
import { handleItsmeSign } from '../../../../lib/itsme';

export const runtime = 'nodejs'; // mutual TLS (undici, node:crypto): not the Edge runtime
export const dynamic = 'force-dynamic';

export {
  handleItsmeSign as DELETE,
  handleItsmeSign as GET,
  handleItsmeSign as HEAD,
  handleItsmeSign as POST,
};

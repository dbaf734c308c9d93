/**
 * A handler around an orchestrator that never calls itsme®: `start` makes a stored `created` session, `get`
 * reads it back. For tests of what the handler decides before or around the orchestrator.
 */
import { createHash } from 'node:crypto';
import { createWebHandler, type HandlerSettings } from '../handler/handler.js';
import type { SigningOrchestrator } from '../session/orchestrator.js';
import type { StartInput } from '../session/session-input.js';
import { createSession, type SigningSession } from '../session/state.js';

export const STUB_ORIGIN = 'https://app.example';
export const STUB_SECRET = 'stub-orchestrator-secret-0123456789-abc';
export const stubDigest = createHash('sha256').update('stub').digest('base64');

/** `startError`: what every start throws (an itsme® refusal, say). */
export function stubHandler(
  settings: Partial<HandlerSettings> & { startError?: unknown } & Record<string, unknown> = {},
) {
  const { startError, ...handlerSettings } = settings;
  const sessions = new Map<string, SigningSession>();
  const inputs: StartInput[] = [];
  const orchestrator = {
    hasDocumentMode: false,
    retentionMs: () => 60_000,
    async start(input: StartInput) {
      inputs.push(input);
      if (startError !== undefined) throw startError;
      const session = createSession({
        id: `session-${String(inputs.length).padStart(12, '0')}`,
        subject: { mode: 'hash', documents: [{ id: 'document', digest: stubDigest }] },
        options: { lang: 'EN' },
        ...(input.owner === undefined ? {} : { owner: input.owner }),
        now: Date.now(),
        ttlMs: 60_000,
      });
      sessions.set(session.id, session);
      return session;
    },
    async get(id: string) {
      return sessions.get(id);
    },
    async advance(id: string) {
      return sessions.get(id);
    },
    async userReturned(id: string) {
      return sessions.get(id);
    },
  } as unknown as SigningOrchestrator;
  const handler = createWebHandler({
    orchestrator,
    statusPageUrl: '/status',
    cookie: { secrets: [STUB_SECRET] },
    ...handlerSettings,
  } as Parameters<typeof createWebHandler>[0]);
  const post = (body: unknown = { digest: stubDigest }, headers: Record<string, string> = {}) =>
    handler.handle(
      new Request(`${STUB_ORIGIN}${handler.basePath}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: STUB_ORIGIN, ...headers },
        body: JSON.stringify(body),
      }),
    ) as Promise<Response>;
  return { handler, post, inputs, sessions };
}

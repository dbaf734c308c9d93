/** Back-end instances (lib/app-child.mjs) in their own processes. */
import { fileURLToPath } from 'node:url';
import { startNodeChild } from './processes.mjs';

const APP_CHILD = fileURLToPath(new URL('./app-child.mjs', import.meta.url));

/** Starts an Express or Nest instance wired to the sandbox and registers its callback URL there. */
export async function startApp(
  sandbox,
  { framework = 'express', redis, pollIntervalMs, redirectOrigin } = {},
) {
  const config = {
    framework,
    sandbox: { b2bUrl: sandbox.b2bUrl, partner: sandbox.partner, files: sandbox.files },
    ...(redis ? { redis } : {}),
    ...(pollIntervalMs ? { pollIntervalMs } : {}),
    ...(redirectOrigin ? { redirectOrigin } : {}),
  };
  const { child, ready, stop } = await startNodeChild(APP_CHILD, [JSON.stringify(config)]);
  try {
    await sandbox.addRedirectUrl(ready.redirectUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...ready,
    framework,
    stop,
    /** Sets the JSON the bare route answers. */
    setBareBody: (bareBody) =>
      new Promise((resolve) => {
        child.once('message', resolve);
        child.send({ bareBody });
      }),
  };
}

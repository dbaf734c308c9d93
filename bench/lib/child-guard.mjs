/**
 * For our child scripts: run `close` and exit when the parent asks (SIGTERM/SIGINT) or dies (the IPC channel
 * disconnects), so no server outlives the benchmark that started it.
 */
export function guardChild(close) {
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(code || 1), 5_000);
    force.unref();
    try {
      await close();
    } catch (error) {
      console.error(error);
      code = 1;
    }
    process.exit(code);
  };
  process.once('SIGTERM', () => shutdown(0));
  process.once('SIGINT', () => shutdown(0));
  process.once('disconnect', () => shutdown(0));
  return shutdown;
}

/** The "ready" line the parent waits for (see `startNodeChild`). */
export function announce(info) {
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

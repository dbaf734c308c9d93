/**
 * The composition root: `createItsmeSign(config)` builds the B2B client, the session store, the
 * orchestrator and the web handler once, each constructor taking the instances it uses, and `close()`
 * closes exactly what it created. `createSigningOrchestrator` and `createItsmeSignHandler` are thin
 * wrappers over it for code that wants only one of them.
 */
import { type B2BClient, type B2BClientOptions, createB2BClient, isB2BClient } from './client/b2b-client.js';
import { ItsmeSignError } from './errors.js';
import { normalizeBasePath } from './handler/base-path.js';
import {
  createWebHandler,
  type HandlerSettings,
  type ItsmeSignHandler,
  type WebHandlerOptions,
} from './handler/handler.js';
import { type OrchestratorDeps, SigningOrchestrator } from './session/orchestrator.js';
import { ORCHESTRATOR_SETTING_KEYS, type OrchestratorSettings } from './session/settings.js';
import { MemorySessionStore, type SessionStore } from './session/store.js';

/** Instances, or the options to create them: what is created here is closed by `close()`, the rest is yours. */
export interface InstanceOptions {
  /** A ready B2B client (yours to close), or the options to create one. */
  client: B2BClient | B2BClientOptions;
  /** A ready store (yours to close). Default: a `MemorySessionStore` (one process only). */
  store?: SessionStore;
}

/** Everything `createItsmeSign` needs: the instances (or their options), the orchestrator's and the handler's settings. */
export interface ItsmeSignConfig extends InstanceOptions, OrchestratorSettings, HandlerSettings {}

export interface ItsmeSign {
  readonly client: B2BClient;
  readonly store: SessionStore;
  readonly orchestrator: SigningOrchestrator;
  readonly handler: ItsmeSignHandler;
  /** Closes the client and the store if they were created here from options; never what was passed in. */
  close(): Promise<void>;
}

/**
 * The B2B base URL must be a URL: there are no named environments (`ITSME_ENVIRONMENTS`). A name such as
 * `'production'` or `'test'` is refused with where the URL comes from.
 */
export function checkBaseUrl(baseUrl: unknown): void {
  const named = typeof baseUrl === 'string' && /^[a-z][\w-]*$/i.test(baseUrl);
  if (!named && typeof baseUrl === 'string' && baseUrl !== '') return; // the client checks the URL itself
  const where =
    'itsme® communicates the B2B base URL (ending in /qes-partners/1.0.0) at onboarding, for its test and ' +
    "production environments; pass it as an https URL. For local tests, use the sandbox's b2bUrl " +
    '(@itsme-sign/sandbox).';
  throw new ItsmeSignError('INVALID_CONFIG', {
    message: named
      ? `client.baseUrl '${baseUrl}' is not a URL: there are no named environments. ${where}`
      : `client.baseUrl is required. ${where}`,
    field: 'baseUrl',
  });
}

/** The instances a config names, created where it gives options, with the `close` for what was created. */
function instances(config: InstanceOptions & Pick<OrchestratorSettings, 'now'>) {
  if (!isB2BClient(config.client)) checkBaseUrl(config.client?.baseUrl);
  const ownsClient = !isB2BClient(config.client);
  const client = isB2BClient(config.client) ? config.client : createB2BClient(config.client);
  const store = config.store ?? new MemorySessionStore(config.now ? { now: config.now } : {});
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      if (ownsClient) await client.close();
      if (!config.store) await store.close?.();
    })();
    return closed;
  };
  return { client, store, close };
}

/** Builds it on failure-safe terms: if a later part refuses its config, what was created is closed. */
function compose<T>(config: InstanceOptions & OrchestratorSettings, build: (deps: OrchestratorDeps) => T) {
  const made = instances(config);
  try {
    return { ...made, built: build({ ...config, client: made.client, store: made.store }) };
  } catch (error) {
    void made.close();
    throw error;
  }
}

/** The composition root. */
export function createItsmeSign(config: ItsmeSignConfig): ItsmeSign {
  const { client, store, close, built } = compose(config, (deps) => {
    const orchestrator = new SigningOrchestrator(deps);
    return { orchestrator, handler: createWebHandler({ ...config, orchestrator }) };
  });
  // The orchestrator's background completion stops first, then what was created here is closed.
  const closeAll = async () => {
    await built.orchestrator.close();
    await close();
  };
  return Object.freeze({ client, store, ...built, close: closeAll });
}

/** An orchestrator from options (the instances or their options); its `close()` closes what it created. */
export type OrchestratorOptions = InstanceOptions & OrchestratorSettings;

class OwningOrchestrator extends SigningOrchestrator {
  readonly #close: () => Promise<void>;
  constructor(deps: OrchestratorDeps, close: () => Promise<void>) {
    super(deps);
    this.#close = close;
  }
  override async close(): Promise<void> {
    await super.close();
    await this.#close();
  }
}

/** Thin wrapper for server-only use (no web handler). Prefer `new SigningOrchestrator({ client, store, … })`. */
export function createSigningOrchestrator(options: OrchestratorOptions): SigningOrchestrator {
  let close: () => Promise<void> = async () => {};
  const made = compose(options, (deps) => new OwningOrchestrator(deps, () => close()));
  close = made.close;
  return made.built;
}

type Never<K extends PropertyKey> = { [P in K]?: never };

/**
 * Either a ready orchestrator and the handler's settings (nothing else: the orchestrator's settings are
 * its own), or the whole `ItsmeSignConfig` (the handler then owns what it creates and `close()` closes it).
 */
export type ItsmeSignHandlerOptions =
  | (WebHandlerOptions & Never<(typeof ORCHESTRATOR_SETTING_KEYS)[number] | keyof InstanceOptions>)
  | (ItsmeSignConfig & { orchestrator?: never });

export type { HandlerSettings };

/**
 * The handler of a framework adapter: the one given, or one created from options — whose `basePath` is then
 * required, since it must be the path the adapter mounts the routes at.
 */
export function adapterHandler(options: ItsmeSignHandlerOptions | ItsmeSignHandler): ItsmeSignHandler {
  if (typeof (options as ItsmeSignHandler).handle === 'function') return options as ItsmeSignHandler;
  normalizeBasePath((options as ItsmeSignHandlerOptions).basePath, true);
  return createItsmeSignHandler(options as ItsmeSignHandlerOptions);
}

export function createItsmeSignHandler(options: ItsmeSignHandlerOptions): ItsmeSignHandler {
  if (options.orchestrator) {
    const given = [...ORCHESTRATOR_SETTING_KEYS, 'client', 'store'] as const;
    const mixed = given.filter((key) => (options as unknown as Record<string, unknown>)[key] !== undefined);
    if (mixed.length > 0) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: `Pass a ready orchestrator or the options to create one, not both (${mixed.join(', ')} given with orchestrator).`,
        field: mixed[0] as string,
      });
    }
    return createWebHandler(options);
  }
  const root = createItsmeSign(options);
  return { ...root.handler, close: root.close };
}

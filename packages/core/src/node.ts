/**
 * `@itsme-sign/core/node`: the Node.js bridge between `http.IncomingMessage`/`ServerResponse` and the web
 * handler's Web `Request`/`Response`, for adapters on Node servers (Express, Fastify, Nest). Kept out of the main
 * entry, which runtimes without Node's `http` (Deno, Bun, edge workers) import as it is.
 */
export {
  answerNode,
  type NodeRequestLike,
  nodeRequest,
  sendWebResponse,
  toWebRequest,
} from './handler/node-bridge.js';
export { hookRequest, type RequestLike, webRequest } from './handler/request-like.js';

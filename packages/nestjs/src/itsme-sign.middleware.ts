import type { ServerResponse } from 'node:http';
import { answerNode, type NodeRequestLike, nodeRequest } from '@itsme-sign/core/node';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { ItsmeSignService } from './itsme-sign.service.js';

const nodeRequests = new WeakMap<Request, NodeRequestLike>();

/**
 * The Node/Express request behind a Web `Request` the module's routes handed to a hook (e.g. `authorize`),
 * to read what earlier middleware put on it (`req.user`, `req.session`).
 */
export function getNodeRequest<T extends NodeRequestLike = NodeRequestLike & Record<string, unknown>>(
  request: Request,
): T | undefined {
  return nodeRequests.get(request) as T | undefined;
}

/** Hands the requests under `basePath` to core's handler; anything it does not answer goes on to Nest. */
@Injectable()
export class ItsmeSignMiddleware implements NestMiddleware {
  constructor(@Inject(ItsmeSignService) private readonly service: ItsmeSignService) {}

  use(req: NodeRequestLike, res: ServerResponse, next: (error?: unknown) => void): void {
    // The Web request is made only if a route or hook needs it (not on a status poll).
    const request = nodeRequest(req, res, (made) => nodeRequests.set(made, req));
    // The handler matches the full path (`originalUrl`) against `basePath` itself; `mounted`: this middleware
    // runs only under the module's routes, so a route outside `basePath` (a global prefix) is a wrong basePath.
    answerNode(this.service.handler, request, res, { mounted: true })
      .then((answered) => answered || next())
      .catch(next);
  }
}

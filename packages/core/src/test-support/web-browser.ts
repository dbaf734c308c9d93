/** A browser talking to core's web handler through Web requests only: it keeps the session cookie. */
import type { SessionView } from '../contract/index.js';
import type { ItsmeSignHandler } from '../handler/handler.js';

export const APP_ORIGIN = 'https://app.example';

export class WebBrowser {
  cookie: string | undefined;

  constructor(
    readonly handler: ItsmeSignHandler,
    readonly origin = APP_ORIGIN,
  ) {}

  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const response = await this.handler.handle(new Request(new URL(path, this.origin), { ...init, headers }));
    if (!response) throw new Error(`not a handler route: ${path}`);
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return response;
  }

  /** A same-origin JSON POST, as the status component sends it. */
  post(path: string, body: unknown): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.origin },
      body: JSON.stringify(body),
    });
  }

  /** This browser's `SessionView` (`GET {basePath}/session`). */
  async view(basePath = this.handler.basePath): Promise<SessionView> {
    return (await (await this.send(`${basePath}/session`)).json()) as SessionView;
  }
}

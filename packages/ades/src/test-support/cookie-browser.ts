/** One browser for handler tests: keeps the cookie the handler sets, sends POSTs as a same-origin page would. */
export function cookieBrowser(origin: string, send: (request: Request) => Promise<Response>) {
  let cookie = '';
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    if (init.method === 'POST') {
      headers.set('origin', origin);
      headers.set('content-type', 'application/json');
    }
    const res = await send(new Request(new URL(path, origin), { ...init, headers, redirect: 'manual' }));
    const set = res.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0]!;
    return res;
  };
}

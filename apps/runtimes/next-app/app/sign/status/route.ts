/** Stands for the page that hosts the status component (the callback sends the browser here). */
export const GET = (): Response => new Response('status page', { headers: { 'content-type': 'text/plain' } });

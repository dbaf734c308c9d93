/** undici, as core uses it (a devDependency of the sandbox), for the tests that call the B2B API through it. */
export type UndiciLike = typeof import('undici');

export async function loadUndici(): Promise<UndiciLike> {
  return import('undici');
}

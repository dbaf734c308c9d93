/**
 * Responses the handler builds from a string (every JSON answer): a Web `Response` whose body stream is made
 * only if someone reads it through the Web API. The Node bridge writes the text directly instead — building a
 * body stream costs more than the rest of a status answer.
 */

/**
 * A `Response` of a known text. Status and headers are its own; every member that touches the body is
 * delegated to an ordinary `Response` of the same text, made on first use.
 */
class TextResponse extends Response {
  readonly #text: string;
  #full: Response | undefined;

  constructor(text: string, init: ResponseInit) {
    super(null, init);
    this.#text = text;
  }

  /** The text, unless the body has been read through the Web API (then it is used up, as for any response). */
  get unreadText(): string | undefined {
    return this.#full?.bodyUsed ? undefined : this.#text;
  }

  #body(): Response {
    this.#full ??= new Response(this.#text, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    return this.#full;
  }

  override get body(): Response['body'] {
    return this.#body().body;
  }
  override get bodyUsed(): boolean {
    return this.#full?.bodyUsed ?? false;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#body().arrayBuffer();
  }
  override blob(): Promise<Blob> {
    return this.#body().blob();
  }
  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#body().bytes();
  }
  override formData(): Promise<FormData> {
    return this.#body().formData();
  }
  override json(): Promise<unknown> {
    return this.#body().json();
  }
  override text(): Promise<string> {
    return this.#body().text();
  }
  override clone(): Response {
    return this.#body().clone();
  }
}

/** A `Response` of `text` (as `new Response(text, init)`) that `sendWebResponse` writes in one call. */
export const textResponse = (text: string, init: ResponseInit): Response => new TextResponse(text, init);

/** The text of a `textResponse` whose body nobody has read, else `undefined`. */
export const unreadText = (response: Response): string | undefined =>
  response instanceof TextResponse ? response.unreadText : undefined;

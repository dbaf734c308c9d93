/**
 * The itsme® Sign B2B client: the four protocol calls and discovery, over mutual TLS.
 * Requests are validated strictly before they leave; responses are validated tolerantly; pending is a
 * state (not an error); user outcomes (rejected, expired) are results; everything else is an `ItsmeSignError`.
 */
import { codeForReason, ItsmeSignError } from '../errors.js';
import { B2B_PATHS, ITSME_ENVIRONMENTS, ResultMajor } from '../wire/constants.js';
import {
  type DiscoveryDocument,
  discoveryDocumentSchema,
  identificationErrorSchema,
  identificationResponseSchema,
  identificationStatusResponseSchema,
  type SignResponse,
  signResponseSchema,
} from '../wire/schemas.js';
import * as wellFormed from '../wire/well-formed.js';
import type {
  B2BClientOptions,
  CallContext,
  IdentificationStarted,
  IdentificationStatus,
  SigningStarted,
  SigningStatus,
  StartIdentificationInput,
  StartSigningInput,
} from './b2b-types.js';
import { classifyResponse } from './classify.js';
import { newRequestId } from './request-id.js';
import { bodyOf, type ClientCodes, clientCodes } from './requests.js';
import { type CallOptions, type RawResponse, Transport } from './transport.js';
import { tolerant } from './validate.js';

export type * from './b2b-types.js';
export { newRequestId } from './request-id.js';

/** Resolves a named environment or validates a URL. */
export function resolveBaseUrl(baseUrl: string): string {
  return (ITSME_ENVIRONMENTS as Record<string, string>)[baseUrl] ?? baseUrl;
}

export class B2BClient {
  readonly #transport: Transport;
  readonly #codes: ClientCodes;

  constructor(options: B2BClientOptions) {
    if (!options.partnerCode || !options.serviceCode) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'partnerCode and serviceCode are required.',
        field: options.partnerCode ? 'serviceCode' : 'partnerCode',
      });
    }
    this.#codes = clientCodes(options.partnerCode, options.serviceCode);
    this.#transport = new Transport({
      baseUrl: resolveBaseUrl(options.baseUrl),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.sendPartnerCodeHeader ? { partnerCodeHeader: options.partnerCode } : {}),
    });
  }

  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /** `POST /user_identification`. Never retried (it creates a session). */
  async startIdentification(
    input: StartIdentificationInput,
    ctx?: CallContext,
  ): Promise<IdentificationStarted> {
    const body = bodyOf.identification(this.#codes, input);
    const res = await this.#transport.call('POST', B2B_PATHS.identification, body, callOptions(false, ctx));
    if (res.status !== 200 || !isOk(res.body)) throw identificationError(res, input.redirectUrl);
    const parsed =
      wellFormed.identificationResponse(res.body) ??
      tolerant(identificationResponseSchema, res.body, 'identification response', res.status);
    return { asyncRespID: parsed.asyncRespID, identificationUrl: parsed.identificationUrl };
  }

  /** `POST /user_identification/status`. Retried on server faults. */
  async getIdentificationStatus(asyncRespID: string, ctx?: CallContext): Promise<IdentificationStatus> {
    const body = bodyOf.identificationStatus(this.#codes, asyncRespID);
    const res = await this.#transport.call(
      'POST',
      B2B_PATHS.identificationStatus,
      body,
      callOptions(true, ctx),
    );
    if (res.status === 200 && isOk(res.body)) {
      const ok =
        wellFormed.identificationStatusResponse(res.body) ??
        tolerant(identificationStatusResponseSchema, res.body, 'identification status', res.status);
      return {
        state: 'identified',
        userCode: ok.userCode,
        certificate: ok.certificate,
        certificateChain: ok.certificateChain,
      };
    }
    if ((res.status === 409 || res.status === 200) && res.body !== undefined) {
      const err =
        wellFormed.identificationError(res.body) ??
        tolerant(identificationErrorSchema, res.body, 'identification status', res.status);
      const reason = err.statusReason?.toUpperCase();
      if (reason === 'PENDING') return { state: 'pending' };
      if (reason === 'REJECTED') return { state: 'rejected', reason };
      if (reason === 'EXPIRED') return { state: 'expired', reason };
    }
    throw identificationError(res);
  }

  /** `POST /sign_document` without `asyncRespID`: starts a sign session. Never retried. */
  async startSigning(input: StartSigningInput, ctx?: CallContext): Promise<SigningStarted> {
    const body = bodyOf.signStart(this.#codes, input, newRequestId());
    const res = await this.#transport.call('POST', B2B_PATHS.sign, body, callOptions(false, ctx));
    const dss = this.#parseSign(res);
    if (dss.result.maj === ResultMajor.Pending || dss.result.maj === ResultMajor.Success) {
      if (!dss.respID || !dss.signingUrl) {
        throw new ItsmeSignError('INVALID_RESPONSE', {
          message: 'itsme® started a sign session without respID or signingUrl.',
          httpStatus: res.status,
          field: dss.respID ? 'optOutp.itsme.signingUrl' : 'respID',
        });
      }
      return dss.userCode
        ? { respID: dss.respID, signingUrl: dss.signingUrl, userCode: dss.userCode }
        : { respID: dss.respID, signingUrl: dss.signingUrl };
    }
    throw dssError(res.status, dss);
  }

  /** `POST /sign_document` with `asyncRespID` = the `respID` and `inDocs: null`. Retried on server faults. */
  async getSigningStatus(respID: string, ctx?: CallContext): Promise<SigningStatus> {
    const body = bodyOf.signStatus(this.#codes, respID, newRequestId());
    const res = await this.#transport.call('POST', B2B_PATHS.sign, body, callOptions(true, ctx));
    const dss = this.#parseSign(res);
    if (dss.result.maj === ResultMajor.Pending) return { state: 'pending' };
    if (dss.result.maj === ResultMajor.Success) {
      if (dss.signatures.length === 0) {
        throw new ItsmeSignError('INVALID_RESPONSE', {
          message: 'itsme® reported success without a signature value.',
          field: 'sigObj',
          httpStatus: res.status,
        });
      }
      const signatures = dss.signatures.map((s) => ({ whichDoc: s.whichDoc, signatureValue: s.value }));
      return { state: 'signed', signatures };
    }
    const min = dss.result.min?.toUpperCase();
    if (min === 'REJECTED') return { state: 'rejected', reason: min };
    if (min === 'EXPIRED') return { state: 'expired', reason: min };
    throw dssError(res.status, dss);
  }

  /** `GET /.well-known/configuration`. Retried on server faults. Prefer `DiscoveryCache`. */
  async getDiscovery(ctx?: CallContext): Promise<DiscoveryDocument> {
    const res = await this.#transport.call('GET', B2B_PATHS.discovery, undefined, callOptions(true, ctx));
    if (res.status !== 200) {
      // What the status alone says (401/403 a refused client, 404 a wrong base URL, 429/5xx itsme®'s), else
      // an answer that does not match the protocol.
      const { fault, retryAfterMs } = classify(res);
      throw new ItsmeSignError(fault ?? 'INVALID_RESPONSE', {
        message: `itsme® answered the discovery request with HTTP ${res.status}.`,
        httpStatus: res.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    return tolerant(discoveryDocumentSchema, res.body, 'discovery document', res.status);
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  #parseSign(res: RawResponse): SignResponse {
    const { status, body } = res;
    // A 2xx is no fault and names no code: its status is classified only otherwise.
    const kind = status >= 200 && status < 300 ? undefined : classify(res);
    if (kind?.fault) {
      // Whatever the body says, a server fault or a refused client is not a started or pending session.
      throw new ItsmeSignError(kind.fault, {
        httpStatus: status,
        ...(kind.reason ? { reason: kind.reason } : {}),
        ...(kind.retryAfterMs === undefined ? {} : { retryAfterMs: kind.retryAfterMs }),
      });
    }
    if (body === undefined) {
      throw new ItsmeSignError(kind?.code === 'UNKNOWN_SESSION' ? kind.code : 'INVALID_RESPONSE', {
        message: `itsme® answered the sign request with HTTP ${status} and no body.`,
        httpStatus: status,
      });
    }
    return wellFormed.signResponse(body) ?? tolerant(signResponseSchema, body, 'sign response', status);
  }
}

/** `status: "OK"` (any case), or no status at all: a body that says NOK is an answer with a reason. */
const isOk = (body: unknown): boolean => {
  const status = (body as { status?: unknown } | undefined)?.status;
  return typeof status !== 'string' || status.toUpperCase() === 'OK';
};

const classify = (res: RawResponse) => classifyResponse(res.status, res.headers, res.body);

const ONCE: CallOptions = Object.freeze({ idempotent: false });
const SAFE: CallOptions = Object.freeze({ idempotent: true });
/** The transport's options of a call (shared ones without a signal: nothing built per call). */
const callOptions = (idempotent: boolean, ctx: CallContext | undefined): CallOptions =>
  ctx?.signal ? { idempotent, signal: ctx.signal } : idempotent ? SAFE : ONCE;

/**
 * A refused identification call: the reason token names the code, else the status. A refused redirect URL
 * is named (it is configuration, not a secret): it must equal, character for character, one registered for
 * the service at itsme®.
 */
function identificationError(res: RawResponse, redirectUrl?: string): ItsmeSignError {
  const { reason, code, retryAfterMs } = classify(res);
  const status = res.status;
  const url =
    redirectUrl && (code === 'UNAUTHORIZED_URL' || code === 'INVALID_URL')
      ? ` The redirect URL sent was ${JSON.stringify(redirectUrl)}; it must equal one registered for this service at itsme®.`
      : '';
  return new ItsmeSignError(code, {
    httpStatus: status,
    ...(reason ? { reason } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(reason
      ? { message: `itsme® refused the identification request: ${reason} (HTTP ${status}).${url}` }
      : {}),
  });
}

function dssError(status: number, dss: SignResponse): ItsmeSignError {
  const min = dss.result.min;
  // A responder error is itsme®'s fault even where the token alone would blame the request.
  let code = codeForReason(min, status);
  if (dss.result.maj === ResultMajor.ResponderError && code === 'INVALID_REQUEST') code = 'UPSTREAM_ERROR';
  return new ItsmeSignError(code, {
    httpStatus: status,
    ...(min ? { reason: min } : {}),
    message: `itsme® refused the sign request: ${min ?? dss.result.maj.split(':').pop()} (HTTP ${status})${
      dss.result.msg ? `: ${dss.result.msg}` : ''
    }.`,
  });
}

export const createB2BClient = (options: B2BClientOptions): B2BClient => new B2BClient(options);

/** `true` for a ready client (anything with the client's methods), `false` for the options to create one. */
export const isB2BClient = (value: B2BClient | B2BClientOptions): value is B2BClient =>
  typeof (value as Partial<B2BClient>).startIdentification === 'function';

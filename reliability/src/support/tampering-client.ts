/**
 * A B2B client whose sign status answers carry a signature value that does not match the certificate: what a
 * compromised or buggy service (or a man in the middle past TLS) would deliver.
 */
import { B2BClient, type CallContext, type SigningStatus } from '@itsme-sign/core';

export class TamperingClient extends B2BClient {
  tampered = 0;

  override async getSigningStatus(respID: string, ctx?: CallContext): Promise<SigningStatus> {
    const status = await super.getSigningStatus(respID, ctx);
    if (status.state !== 'signed') return status;
    const bytes = Buffer.from(status.signatureValue, 'base64');
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
    this.tampered++;
    return { ...status, signatureValue: bytes.toString('base64') };
  }
}

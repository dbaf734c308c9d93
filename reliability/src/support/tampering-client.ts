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
    this.tampered++;
    return {
      ...status,
      signatures: status.signatures.map((s) => {
        const bytes = Buffer.from(s.signatureValue, 'base64');
        bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
        return { ...s, signatureValue: bytes.toString('base64') };
      }),
    };
  }
}

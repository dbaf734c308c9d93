/** A self-signed client certificate that the sandbox does not know. */
import { x509 } from '../crypto-provider.js';
import { generateKeyPairPem, importSigningKey } from '../pki/keys.js';

export async function selfSignedClientCert(cn = 'Stranger'): Promise<{ cert: string; key: string }> {
  const keys = await generateKeyPairPem('ec');
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${cn}`,
    issuer: `CN=${cn}`,
    publicKey: keys.publicKeyDer,
    signingKey: await importSigningKey(keys.privateKeyPem),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  return { cert: cert.toString('pem'), key: keys.privateKeyPem };
}

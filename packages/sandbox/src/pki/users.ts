/**
 * Simulated itsme® users, identified by phone number. Each gets a key pair and a QES-looking certificate issued by
 * the issuing CA on first use (the CREATE_CERT action). Stored in `<dataDir>/pki/users/<hash>.json`; the private key
 * never leaves the sandbox.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LIMITS } from '@itsme-sign/core';
import { x509 } from '../crypto-provider.js';
import type { Pki } from './authority.js';
import { writeFileAtomic } from './fs.js';
import { serialHex } from './issue.js';
import { generateKeyPairPem, importSigningKey, type KeyType } from './keys.js';
import { qcStatementsExtension, qualifiedPoliciesExtension } from './qualified.js';
import { type CaUrls, caUrls, pointAt, revocationExtensions } from './revocation-urls.js';

export interface SandboxUser {
  phone: string;
  userCode: string;
  givenName: string;
  surname: string;
  keyType: KeyType;
  certPem: string;
  /** PKCS#8 PEM. Stays in the sandbox. */
  keyPem: string;
  createdAt: string;
}

const GIVEN_NAMES = ['Emma', 'Lucas', 'Louise', 'Noah', 'Olivia', 'Arthur', 'Mila', 'Liam', 'Elena', 'Jules'];
const SURNAMES = [
  'Peeters',
  'Janssens',
  'Maes',
  'Jacobs',
  'Mertens',
  'Willems',
  'Claes',
  'Dubois',
  'Lambert',
  'Dupont',
];
const USER_CODE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Normalises a phone number: digits and a leading `+` only. */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/** A serial number as lowercase hex without leading zeros (how revocation data is keyed). */
export function normalizeSerial(hex: string): string {
  return BigInt(`0x${hex.replace(/[^0-9a-fA-F]/g, '') || '0'}`).toString(16);
}

export function isPlausiblePhone(phone: string): boolean {
  return /^\+?\d{8,15}$/.test(normalizePhone(phone));
}

function newUserCode(): string {
  let s = '';
  for (let i = 0; i < LIMITS.userCode; i++) s += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return s;
}

export class UserRegistry {
  private readonly dir: string;
  private readonly byPhone = new Map<string, SandboxUser>();
  private readonly byCode = new Map<string, SandboxUser>();
  private readonly bySerialNumber = new Map<string, SandboxUser>();
  private readonly creating = new Map<string, Promise<SandboxUser>>();
  /** Where the users' certificates point (AIA, CRL distribution points): the qualified CA at `pki.baseUrl`. */
  private readonly urls: CaUrls | undefined;

  constructor(private readonly pki: Pki) {
    this.dir = join(pki.dir, 'users');
    this.urls = pki.baseUrl ? caUrls(pki.baseUrl, 'issuing-ca') : undefined;
  }

  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const f of await readdir(this.dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const u = JSON.parse(await readFile(join(this.dir, f), 'utf8')) as SandboxUser;
        if (!this.byPhone.has(u.phone)) await this.adopt(u);
      } catch {
        // a half-written file of another process: ignored, re-read on demand
      }
    }
  }

  private remember(u: SandboxUser): SandboxUser {
    this.byPhone.set(u.phone, u);
    this.byCode.set(u.userCode, u);
    this.bySerialNumber.set(normalizeSerial(new x509.X509Certificate(u.certPem).serialNumber), u);
    return u;
  }

  /** Remembers a stored user, first re-issuing its certificate (same key and serial) to point at this sandbox. */
  private async adopt(u: SandboxUser): Promise<SandboxUser> {
    if (!this.urls) return this.remember(u);
    const cert = new x509.X509Certificate(u.certPem);
    const pointed = await pointAt(cert, this.pki.issuing, this.urls);
    if (pointed === cert) return this.remember(u);
    const updated = { ...u, certPem: pointed.toString('pem') };
    await writeFileAtomic(this.file(u.phone), JSON.stringify(updated), 0o600);
    return this.remember(updated);
  }

  private file(phone: string): string {
    return join(this.dir, `${createHash('sha256').update(phone).digest('hex').slice(0, 32)}.json`);
  }

  byPhoneNumber(phone: string): SandboxUser | undefined {
    return this.byPhone.get(normalizePhone(phone));
  }

  byUserCode(userCode: string): SandboxUser | undefined {
    return this.byCode.get(userCode);
  }

  /** The user whose certificate has this serial (hex); users created by another process are read from disk. */
  async bySerial(serial: string): Promise<SandboxUser | undefined> {
    const key = normalizeSerial(serial);
    if (!this.bySerialNumber.has(key)) await this.load();
    return this.bySerialNumber.get(key);
  }

  /** Whether the user already has a certificate (otherwise identification asks for CREATE_CERT). */
  async hasCertificate(phone: string): Promise<boolean> {
    const p = normalizePhone(phone);
    if (this.byPhone.has(p)) return true;
    return (await this.readFromDisk(p)) !== undefined;
  }

  private async readFromDisk(phone: string): Promise<SandboxUser | undefined> {
    const f = this.file(phone);
    if (!existsSync(f)) return undefined;
    return this.adopt(JSON.parse(await readFile(f, 'utf8')) as SandboxUser);
  }

  /** Returns the user of this phone number, creating the key pair and certificate on first use. */
  async getOrCreate(phone: string, keyType: KeyType): Promise<SandboxUser> {
    const p = normalizePhone(phone);
    const known = this.byPhone.get(p) ?? (await this.readFromDisk(p));
    if (known) return known;
    let pending = this.creating.get(p);
    if (!pending) {
      pending = this.create(p, keyType).finally(() => this.creating.delete(p));
      this.creating.set(p, pending);
    }
    return pending;
  }

  private async create(phone: string, keyType: KeyType): Promise<SandboxUser> {
    const h = createHash('sha256').update(phone).digest();
    const givenName = GIVEN_NAMES[(h[0] as number) % GIVEN_NAMES.length] as string;
    const surname = SURNAMES[(h[1] as number) % SURNAMES.length] as string;
    const serial = `PNOBE-${(h.readUInt32BE(2) % 1e6).toString().padStart(6, '0')}${(h.readUInt32BE(6) % 1e5).toString().padStart(5, '0')}`;
    const keys = await generateKeyPairPem(keyType);
    const issuer = this.pki.issuing;
    const notBefore = new Date(Date.now() - 60_000);
    const notAfter = new Date(
      Math.min(notBefore.getTime() + 3 * 365 * 86_400_000, issuer.cert.notAfter.getTime()),
    );
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex(),
      subject: [
        { '2.5.4.6': ['BE'] },
        { '2.5.4.3': [`${givenName} ${surname}`] },
        { '2.5.4.4': [surname] },
        { '2.5.4.42': [givenName] },
        { '2.5.4.5': [serial] },
      ],
      issuer: issuer.cert.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKeyDer,
      signingKey: await importSigningKey(issuer.keyPem),
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true),
        qcStatementsExtension(),
        qualifiedPoliciesExtension(),
        await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKeyDer),
        ...(this.urls ? revocationExtensions(this.urls) : []),
      ],
    });
    const user: SandboxUser = {
      phone,
      userCode: newUserCode(),
      givenName,
      surname,
      keyType,
      certPem: cert.toString('pem'),
      keyPem: keys.privateKeyPem,
      createdAt: new Date().toISOString(),
    };
    // Write to a temp file, then hard-link: the link fails atomically if another process created the user first.
    const final = this.file(phone);
    const tmp = `${final}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(user), { mode: 0o600 });
    try {
      await link(tmp, final);
    } catch {
      await rm(tmp, { force: true });
      const existing = await this.readFromDisk(phone);
      if (existing) return existing;
      throw new Error('itsme sandbox: could not store the user');
    }
    await rm(tmp, { force: true });
    return this.remember(user);
  }

  /** Leaf → root, PEM. */
  chainPem(user: SandboxUser): string {
    return `${[user.certPem, this.pki.issuing.certPem, this.pki.root.certPem].map((p) => p.trim()).join('\n')}\n`;
  }
}

/**
 * Documents given as a file (`{ path }`) or a source readable by position (`{ size, read }`): read by position
 * (no temporary copy), the same prepare as from bytes (PAdES and CAdES), a file unchanged since long before
 * prepare is not hashed again in finalize (its stamp is checked instead), a file changed in place is still
 * refused, and `finalizePadesToFile` leaves a whole signed PDF or nothing.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nssDb } from '@itsme-sign/test-support/pdf-tools';
import { PDFDocument, PDFName } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { RACY_MS } from './file-identity.js';
import { finalizePadesStream, finalizePadesToFile, prepareCades, preparePades } from './index.js';
import { expectValidPdf } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, signDigest, type TestPki } from './test-support/pki.js';

const DIR = join(OUTPUT_DIR, 'file-input');
const signingTime = new Date(); // one instant for every prepare of the file (deterministic digests)
let pki: TestPki;
let nss: string;
let bytes: Buffer;
let settled: string;
let writtenAt: number;

/** A two-page PDF carrying an unused 6 MiB stream (larger than one read run of 4 MiB). */
async function pdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 300]);
  doc.addPage([300, 300]);
  const blob = doc.context.register(doc.context.stream(randomBytes(6 << 20)));
  page.node.set(PDFName.of('PieceInfo'), doc.context.obj({ Blob: blob }));
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}

const spools = () => readdirSync(tmpdir()).filter((n) => n.startsWith('itsme-sign-pdf-'));

async function collect(out: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of out) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Until the file written in beforeAll is older than the racy window. */
async function settle(): Promise<void> {
  const wait = writtenAt + RACY_MS + 100 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('file-input');
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
  bytes = await pdf();
  settled = join(DIR, 'settled.input.pdf');
  writeFileSync(settled, bytes);
  writtenAt = Date.now();
});

describe('PAdES from a file or a random-access source', () => {
  it('prepares { path } and { size, read } as it prepares the bytes, without a temporary file', async () => {
    const before = spools();
    const options = { certificateChain: pki.rsa.chain, signingTime };
    const fromBytes = await preparePades(bytes, options);
    const fromPath = await preparePades({ path: settled }, options);
    const reads: number[] = [];
    const fromRanges = await preparePades(
      {
        size: bytes.length,
        read: async (offset, length) => {
          reads.push(length);
          return bytes.subarray(offset, offset + length);
        },
      },
      options,
    );
    expect(spools()).toEqual(before);
    expect(fromPath.digest).toBe(fromBytes.digest);
    expect(fromRanges.digest).toBe(fromBytes.digest);
    expect(Math.max(...reads)).toBeLessThanOrEqual(4 << 20);
  });

  it('a file just written gets no stamp: finalize hashes it, and the signed PDF is valid', async () => {
    const fresh = join(DIR, 'fresh.input.pdf');
    writeFileSync(fresh, bytes);
    const { digest, state } = await preparePades({ path: fresh }, { certificateChain: pki.ec.chain });
    expect(state.fileStamp).toBeUndefined();
    const out = await finalizePadesStream({ path: fresh }, state, signDigest(pki.ec, digest), {
      trustAnchors: [pki.rootPem],
    });
    expectValidPdf(join(DIR, 'fresh.signed.pdf'), await collect(out), pki, nss);
  });

  it('a settled file is stamped, streamed back without a second hash, and valid', async () => {
    await settle();
    const { digest, state } = await preparePades({ path: settled }, { certificateChain: pki.rsa.chain });
    const { ino, size } = statSync(settled);
    expect(String(state.fileStamp)).toMatch(new RegExp(`^\\d+:${ino}:${size}:\\d+:\\d+$`));
    const out = await finalizePadesStream({ path: settled }, state, signDigest(pki.rsa, digest), {
      trustAnchors: [pki.rootPem],
    });
    const signed = await collect(out);
    expect(signed.subarray(0, bytes.length).equals(readFileSync(settled))).toBe(true);
    expectValidPdf(join(DIR, 'settled.signed.pdf'), signed, pki, nss);
  });

  it('a settled file changed in place (same size) after prepare is refused with DOCUMENT_CHANGED', async () => {
    await settle();
    const target = join(DIR, 'changed.input.pdf');
    // A copy that is old enough: written, then its stamp taken once the racy window has passed.
    writeFileSync(target, bytes);
    await new Promise((r) => setTimeout(r, RACY_MS + 100));
    const { digest, state } = await preparePades({ path: target }, { certificateChain: pki.ec.chain });
    expect(state.fileStamp).toBeDefined();
    const handle = await open(target, 'r+');
    await handle.write(Buffer.from([bytes[2000]! ^ 1]), 0, 1, 2000);
    await handle.close();
    const out = await finalizePadesStream({ path: target }, state, signDigest(pki.ec, digest), {
      trustAnchors: [pki.rootPem],
    });
    await expect(collect(out)).rejects.toMatchObject({ code: 'DOCUMENT_CHANGED' });
    await expect(
      finalizePadesToFile(
        { path: target },
        state,
        signDigest(pki.ec, digest),
        join(DIR, 'changed.signed.pdf'),
        {
          trustAnchors: [pki.rootPem],
        },
      ),
    ).rejects.toMatchObject({ code: 'DOCUMENT_CHANGED' });
    expect(
      readdirSync(DIR).filter((n) => n.startsWith('changed.signed') || n.startsWith('.itsme-sign-')),
    ).toEqual([]);
  });

  it('finalizePadesToFile writes a settled file without hashing it again: the same PDF as the stream, mode 0600', async () => {
    await settle();
    const { digest, state } = await preparePades(
      { path: settled },
      { certificateChain: pki.ec.chain, signingTime },
    );
    const value = signDigest(pki.ec, digest);
    const target = join(DIR, 'to-file.signed.pdf');
    const { size } = await finalizePadesToFile({ path: settled }, state, value, target, {
      trustAnchors: [pki.rootPem],
    });
    const written = readFileSync(target);
    expect(written.length).toBe(size);
    const streamed = await collect(
      await finalizePadesStream(bytes, state, value, { trustAnchors: [pki.rootPem] }),
    );
    expect(written.equals(streamed)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(DIR).filter((n) => n.startsWith('.itsme-sign-'))).toEqual([]);
    expectValidPdf(join(DIR, 'to-file.checked.pdf'), written, pki, nss);
  });

  it('finalizePadesToFile leaves the destination as it was when the document changed', async () => {
    const { digest, state } = await preparePades(bytes, { certificateChain: pki.rsa.chain });
    const altered = Buffer.from(bytes);
    altered[bytes.length - 100]! ^= 1;
    const target = join(DIR, 'kept.pdf');
    writeFileSync(target, 'what was there before');
    await expect(
      finalizePadesToFile(altered, state, signDigest(pki.rsa, digest), target, {
        trustAnchors: [pki.rootPem],
      }),
    ).rejects.toMatchObject({ code: 'DOCUMENT_CHANGED' });
    expect(readFileSync(target, 'utf8')).toBe('what was there before');
    expect(readdirSync(DIR).filter((n) => n.startsWith('.itsme-sign-'))).toEqual([]);
  });

  it('CAdES hashes { path } and { size, read } as it hashes the bytes', async () => {
    const options = { certificateChain: pki.ec.chain, signingTime };
    const fromBytes = await prepareCades(bytes, options);
    const fromPath = await prepareCades({ path: settled }, options);
    const fromRanges = await prepareCades(
      { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) },
      options,
    );
    expect(fromPath.state.contentDigest).toBe(fromBytes.state.contentDigest);
    expect(fromRanges.state.contentDigest).toBe(fromBytes.state.contentDigest);
    expect(fromPath.digest).toBe(fromBytes.digest);
  });

  it('a destination that is a directory, a FIFO as the document: typed errors that name no path', async () => {
    const { digest, state } = await preparePades(bytes, { certificateChain: pki.ec.chain });
    const value = signDigest(pki.ec, digest);
    const folder = join(DIR, 'secret-folder');
    mkdirSync(folder, { recursive: true });
    const error = await finalizePadesToFile(bytes, state, value, folder, {
      trustAnchors: [pki.rootPem],
    }).catch((e) => e);
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(error.message).toMatch(/\(E[A-Z]+\)/);
    expect(error.message).not.toContain('secret-folder');
    expect(readdirSync(DIR).filter((n) => n.startsWith('.itsme-sign-'))).toEqual([]);
    const fifo = join(DIR, 'secret-fifo.pdf');
    if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
    const refused = await preparePades({ path: fifo }, { certificateChain: pki.ec.chain }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(refused.message).toContain('not a regular file');
    expect(refused.message).not.toContain('secret-fifo');
  });

  it('a range source that fails ahead of need gives its typed error, whatever the step is doing', async () => {
    const { digest, state } = await preparePades(bytes, { certificateChain: pki.rsa.chain });
    // The second run is read while the first is written: it fails (too short) before it is awaited.
    const failing = {
      size: bytes.length,
      read: async (offset: number, length: number) =>
        bytes.subarray(offset, offset + (offset === 0 ? length : 10)),
    };
    for (const step of [
      () => preparePades(failing, { certificateChain: pki.rsa.chain }),
      () =>
        finalizePadesToFile(failing, state, signDigest(pki.rsa, digest), join(DIR, 'never.pdf'), {
          trustAnchors: [pki.rootPem],
        }),
    ]) {
      await expect(step()).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: 'The document source returned fewer bytes than its size promises.',
      });
    }
    expect(existsSync(join(DIR, 'never.pdf'))).toBe(false);
  });

  it('a missing file is INVALID_REQUEST, named by its error code and not its path', async () => {
    const missing = join(DIR, 'secret-customer-name.pdf');
    const error = await preparePades({ path: missing }, { certificateChain: pki.rsa.chain }).catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(error.message).toContain('ENOENT');
    expect(error.message).not.toContain('secret-customer-name');
  });
});

/**
 * 4b. B-LT at scale: 100 PAdES B-LT signatures by 100 different users of one sandbox CA in one warm process,
 * against the sandbox's TSA and OCSP responders (sandbox in its own process). Counts the OCSP and CRL
 * fetches at the sandbox and times prepare + finalize per signature (the signature value, made with the
 * user's key between the steps as itsme® would, is not timed). Then the same users at B-T, for the cost of
 * B-LT over B-T, and once more at B-LT with `revocation.sources: 'crl-first'` (one CRL for every user).
 */
import { readFileSync } from 'node:fs';
import { finalizePades, preparePades, RevocationCache } from '@itsme-sign/ades';
import { createB2BClient } from '@itsme-sign/core';
import { signDigest } from '@itsme-sign/sandbox';
import { pdfFile } from './lib/files.mjs';
import { sandboxUserKey } from './lib/identity.mjs';
import { Cleanup } from './lib/processes.mjs';
import { startSandboxProcess } from './lib/sandbox.mjs';
import { median, ms, quantile, ratio } from './lib/stats.mjs';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback';

/** `count` users (phones +32 471 90 00 00 …) identified through the B2B API: chain and key. */
async function users(sandbox, count, first) {
  await sandbox.addRedirectUrl(REDIRECT_URL);
  const client = createB2BClient(sandbox.clientOptions);
  const out = [];
  try {
    for (let i = 0; i < count; i++) {
      const phone = `+3247190${String(first + i).padStart(4, '0')}`;
      const started = await client.startIdentification({ lang: 'EN', redirectUrl: REDIRECT_URL });
      await sandbox.identify(started.identificationUrl, { phone });
      const status = await client.getIdentificationStatus(started.asyncRespID);
      if (status.state !== 'identified') throw new Error(`identification of ${phone}: ${status.state}`);
      out.push({
        chain: status.certificateChain,
        keyPem: sandboxUserKey(sandbox.dataDir, status.userCode),
      });
    }
  } finally {
    await client.close();
  }
  return out;
}

export async function run({ quick }) {
  const n = quick ? 20 : 100;
  const cleanup = new Cleanup();
  try {
    const sandbox = await startSandboxProcess();
    cleanup.add(sandbox.stop);
    const rootCaPem = sandbox.credentials.rootCaPem;
    const tsa = { url: sandbox.tsaUrl, trustAnchors: [rootCaPem] };
    const [warmUser, ...signers] = await users(sandbox, n + 1, 0);
    const pdf = readFileSync(await pdfFile(100, { kib: true }));

    const signOnce = async (user, level, revocation) => {
      const t0 = performance.now();
      const prepared = await preparePades(pdf, {
        certificateChain: user.chain,
        level,
        trustAnchors: [rootCaPem],
        revocation,
      });
      const prepareMs = performance.now() - t0;
      const value = signDigest(user.keyPem, Buffer.from(prepared.digest, 'base64')).toString('base64');
      const t1 = performance.now();
      await finalizePades(pdf, prepared.state, value, { trustAnchors: [rootCaPem], tsa, revocation });
      return prepareMs + performance.now() - t1;
    };
    const counted = async (label, level, revocation) => {
      // Warm: the process (JIT) and the answers about the CA-level certificates (qualified CA, TSA).
      const start = (await sandbox.stats()).calls;
      for (let i = 0; i < 3; i++) await signOnce(warmUser, level, revocation);
      const before = (await sandbox.stats()).calls;
      const times = [];
      const t0 = performance.now();
      for (const user of signers) times.push(await signOnce(user, level, revocation));
      const wallMs = performance.now() - t0;
      const after = (await sandbox.stats()).calls;
      const delta = (k, from = before) => (after[k] ?? 0) - (from[k] ?? 0);
      const fetches = (k) => `${delta(k)} (+${delta(k, start) - delta(k)} in the warm-up)`;
      return {
        label,
        level,
        times,
        wallMs,
        ocsp: delta('ocsp'),
        ocspText: fetches('ocsp'),
        crl: delta('crl'),
        crlText: fetches('crl'),
      };
    };
    const runs = [
      await counted('B-T', 'B-T', { cache: new RevocationCache() }),
      await counted('B-LT, OCSP first (default)', 'B-LT', { cache: new RevocationCache() }),
      await counted('B-LT, CRL first', 'B-LT', { cache: new RevocationCache(), sources: 'crl-first' }),
    ];
    const bt = median(runs[0].times);
    const rows = runs.map((r) => [
      r.label,
      String(r.times.length),
      ms(median(r.times)),
      ms(quantile(r.times, 0.95)),
      ms(r.wallMs / r.times.length),
      r.level === 'B-T' ? '1.00×' : ratio(median(r.times), bt),
      r.ocspText,
      r.crlText,
    ]);
    const lt = runs[1];
    const crlFirst = runs[2];
    return {
      name: 'ades-users',
      title: '4b. B-LT for many users of one CA: revocation fetches and time per signature',
      mode: `${n} users of the sandbox's qualified CA, one PAdES signature each (100 KiB PDF), warm process, sandbox in its own process`,
      tables: [
        {
          columns: [
            'level',
            'signatures',
            'median prepare + finalize',
            'p95',
            'mean (wall / n)',
            'vs B-T',
            'OCSP fetches (measured set)',
            'CRL fetches (measured set)',
          ],
          rows,
        },
      ],
      targets: [
        `OCSP fetches for ${n} B-LT signatures by ${n} users (target: 1 per responder per nextUpdate window): ${lt.ocsp} — one per user certificate at the qualified CA's responder (an OCSP answer is about one certificate), none for the qualified CA's and the TSA's certificates (kept from the warm-up until nextUpdate). Per responder and window the target holds for each certificate, not for ${n} distinct ones.`,
        `With revocation.sources 'crl-first': OCSP ${crlFirst.ocspText}, CRL ${crlFirst.crlText} for the ${n} users: one CRL per issuer and nextUpdate window answers for all of them — the target, met by the CRL.`,
      ],
      notes: [
        'Each level runs with a fresh RevocationCache after 3 warm-up signatures by a user outside the measured set; the warm-up fetches the answers about that user and the CA-level certificates (qualified CA at the root’s responder, TSA), or the CRLs with crl-first.',
        'B-T checks revocation too (mode `prefer`: a revoked signer is refused at every level), so it makes the same OCSP fetches; B-LT adds the /DSS update.',
        'Time per signature = preparePades + finalizePades (revocation check in both, TSA request, /DSS update at B-LT), the signature value excluded.',
      ],
    };
  } finally {
    await cleanup.run();
  }
}

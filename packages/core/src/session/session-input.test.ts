import { describe, expect, it } from 'vitest';
import { ItsmeSignError } from '../errors.js';
import { sessionOptions, textIn } from './session-input.js';

const subject = { mode: 'hash' as const, digest: 'x' };
const errorOf = (fn: () => unknown): ItsmeSignError | undefined => {
  try {
    fn();
  } catch (e) {
    return e as ItsmeSignError;
  }
  return undefined;
};

describe('what a session shows in the itsme® app', () => {
  it('a text for every language, or one per language', () => {
    expect(sessionOptions({ subject, signerRole: 'Director' }, 'EN')).toMatchObject({
      signerRole: 'Director',
    });
    const perLanguage = sessionOptions(
      {
        subject,
        lang: 'NL',
        signerRole: { FR: 'Gérant', NL: 'Zaakvoerder' },
        description: { EN: 'Loan 42' },
      },
      'EN',
    );
    expect(perLanguage).toMatchObject({
      lang: 'NL',
      signerRole: { FR: 'Gérant', NL: 'Zaakvoerder' },
      description: { EN: 'Loan 42' },
    });
    // The one text a document's signature carries: the session's language, else English, else the first.
    expect(textIn(perLanguage.signerRole, 'NL')).toBe('Zaakvoerder');
    expect(textIn(perLanguage.description, 'NL')).toBe('Loan 42');
    expect(textIn({ DE: 'Geschäftsführer' }, 'FR')).toBe('Geschäftsführer');
  });

  it.each([
    ['an unknown language', { IT: 'Direttore' }, 'signerRole.IT'],
    ['a text over the limit', { FR: 'x'.repeat(51) }, 'signerRole.FR'],
    ['a character outside ISO-8859-1', { NL: 'Zaakvoerder ✓' }, 'signerRole.NL'],
    ['no text at all', {}, 'signerRole'],
  ])('refuses %s, naming the field', (_, signerRole, field) => {
    const error = errorOf(() =>
      sessionOptions({ subject, signerRole: signerRole as Record<string, string> }, 'EN'),
    );
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', field });
  });
});

import { ITSME_SIGN_MESSAGES_BY_LANG, messagesFor, toLanguageCode } from './i18n';

describe('i18n', () => {
  it('has every text in every language, and no language copies English', () => {
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((s) => `${k}.${s}`) : [k]));
    const en = keys(ITSME_SIGN_MESSAGES_BY_LANG.EN).sort();
    for (const lang of ['FR', 'NL', 'DE'] as const) {
      expect(keys(ITSME_SIGN_MESSAGES_BY_LANG[lang]).sort()).toEqual(en);
      expect(ITSME_SIGN_MESSAGES_BY_LANG[lang].phases.signed.title).not.toBe(
        ITSME_SIGN_MESSAGES_BY_LANG.EN.phases.signed.title,
      );
    }
  });

  it('normalises language tags', () => {
    expect(toLanguageCode('fr-BE')).toBe('FR');
    expect(toLanguageCode('nl')).toBe('NL');
    expect(toLanguageCode('es')).toBeUndefined();
    expect(toLanguageCode(undefined)).toBeUndefined();
  });

  it('merges overrides per key', () => {
    const m = messagesFor('EN', {
      retry: 'Try again',
      phases: { signed: { title: 'Done!', text: 'Yay' } } as never,
    });
    expect(m.retry).toBe('Try again');
    expect(m.phases.signed.title).toBe('Done!');
    expect(m.phases.expired.title).toBe('Session expired');
  });
});

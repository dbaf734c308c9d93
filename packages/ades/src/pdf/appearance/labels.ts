/** The words of the signature block, in the languages of itsme® (EN, FR, NL, DE). */
export type AppearanceLanguage = 'EN' | 'FR' | 'NL' | 'DE';

export const APPEARANCE_LABELS: Record<
  AppearanceLanguage,
  { signedWith: string; date: string; role: string }
> = {
  EN: { signedWith: 'Signed with itsme®', date: 'Date', role: 'Role' },
  FR: { signedWith: 'Signé avec itsme®', date: 'Date', role: 'Qualité' },
  NL: { signedWith: 'Ondertekend met itsme®', date: 'Datum', role: 'Hoedanigheid' },
  DE: { signedWith: 'Signiert mit itsme®', date: 'Datum', role: 'Funktion' },
};

/** The signing time as people read it: `2026-12-01 10:15 UTC`. */
export function displayTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

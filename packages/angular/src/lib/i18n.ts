import type { LanguageCode, SigningStep } from '@itsme-sign/core/contract';
import { LANGUAGES } from '@itsme-sign/core/contract/constants';

/** What the component is showing; one title and one explanation each. */
export type SigningPhase =
  | 'idle'
  | 'loading'
  | 'redirect-identification'
  | 'identifying'
  | 'certificate'
  | 'redirect-signing'
  | 'signing'
  | 'signed'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  | 'failed'
  | 'network-error'
  | 'server-error'
  | 'not-found';

/** The error codes the component explains in the user's language. */
export type ExplainedError =
  | 'CERTIFICATE_REVOKED'
  | 'CERTIFICATE_UNTRUSTED'
  | 'CERTIFICATE_INVALID'
  | 'REVOCATION_UNAVAILABLE'
  | 'DOCUMENT_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'BATCH_NOT_ALLOWED'
  | 'BATCH_TOO_LARGE';

export interface PhaseText {
  title: string;
  text: string;
}

export interface ItsmeSignMessages {
  /** Accessible name of the step list. */
  stepsLabel: string;
  steps: Record<SigningStep, string>;
  /** Read after a step's name by screen readers. */
  stepState: { done: string; current: string; upcoming: string; failed: string };
  phases: Record<SigningPhase, PhaseText>;
  continueToItsme: string;
  redirecting: string;
  downloadDocument: string;
  downloadSignature: string;
  retry: string;
  startAgain: string;
  cancel: string;
  errorCode: string;
  /**
   * What an error means for the user, by error code, in place of the server's English message (the code is
   * still shown). Codes not listed show the server's message.
   */
  errors: Partial<Record<ExplainedError, string>>;
  document: string;
  /** Heading of the list of documents signed with one approval (batch signing). */
  documents: string;
  /** The `signed` phase when several documents were signed with one approval. */
  signedMany: PhaseText;
  /** The link to every signed document in one archive (batch signing). */
  downloadAll: string;
  /** The link to one document of a batch; its name follows. */
  downloadOne: string;
}

const EN: ItsmeSignMessages = {
  stepsLabel: 'Signing progress',
  steps: {
    identify: 'Identify',
    certificate: 'Certificate',
    confirm: 'Confirm in itsme®',
    signed: 'Signed',
  },
  stepState: { done: 'done', current: 'current step', upcoming: 'to do', failed: 'stopped' },
  phases: {
    idle: { title: 'Sign with itsme®', text: 'Start a signing session to continue.' },
    loading: { title: 'One moment…', text: 'We are loading your signing session.' },
    'redirect-identification': {
      title: 'Confirm who you are',
      text: 'You will now be taken to itsme® to confirm who you are. Afterwards you come back here automatically.',
    },
    identifying: {
      title: 'Waiting for itsme®',
      text: 'Confirm who you are in itsme®. This page updates by itself when you are done.',
    },
    certificate: {
      title: 'Preparing your certificate',
      text: 'We are getting your qualified signing certificate ready. This takes a few seconds.',
    },
    'redirect-signing': {
      title: 'Confirm the signature',
      text: 'You will now be taken to itsme®. Check that the icons match, then confirm the signature in the itsme® app.',
    },
    signing: {
      title: 'Waiting for your confirmation',
      text: 'Check that the icons match and confirm the signature in the itsme® app. This page updates by itself.',
    },
    signed: {
      title: 'Your document is signed',
      text: 'Your qualified electronic signature was added. You can download the result now.',
    },
    rejected: {
      title: 'Signature declined',
      text: 'The signature was declined in itsme®. Nothing was signed. You can start again if this was a mistake.',
    },
    expired: {
      title: 'Session expired',
      text: 'The session expired before it was completed. Nothing was signed. Please start again.',
    },
    cancelled: { title: 'Signing cancelled', text: 'The signing was cancelled. Nothing was signed.' },
    failed: {
      title: 'Something went wrong',
      text: 'The signature could not be completed. Nothing was signed. Please start again.',
    },
    'network-error': {
      title: 'Connection problem',
      text: 'We cannot reach the server right now. We keep trying; you can also retry yourself.',
    },
    'server-error': {
      title: 'Server error',
      text: 'The server could not answer. Please retry in a moment or start again.',
    },
    'not-found': {
      title: 'No signing session',
      text: 'There is no signing session in this browser, or it has ended. Please start again.',
    },
  },
  continueToItsme: 'Continue to itsme®',
  redirecting: 'Taking you to itsme®…',
  downloadDocument: 'Download signed document',
  downloadSignature: 'Download signature',
  retry: 'Retry',
  startAgain: 'Start again',
  cancel: 'Cancel signing',
  errorCode: 'Error code',
  errors: {
    CERTIFICATE_REVOKED:
      'Your itsme® signing certificate has been revoked, so it can no longer sign. Nothing was sent to sign.',
    CERTIFICATE_UNTRUSTED:
      'Your signing certificate could not be traced to a trusted authority. Nothing was signed.',
    CERTIFICATE_INVALID: 'Your signing certificate is not valid for signing now. Nothing was signed.',
    REVOCATION_UNAVAILABLE:
      'We could not check that your signing certificate is still valid. Nothing was signed; please try again shortly.',
    DOCUMENT_NOT_FOUND: 'The document to sign could not be found any more.',
    RATE_LIMITED: 'Too many signing sessions were started. Please wait a moment and try again.',
    UPSTREAM_UNAVAILABLE: 'itsme® could not be reached. Please try again in a moment.',
    BATCH_NOT_ALLOWED: 'This service can sign only one document at a time. Choose one document.',
    BATCH_TOO_LARGE: 'Too many documents for one signature. Choose fewer documents.',
  },
  document: 'Document',
  documents: 'Documents',
  signedMany: {
    title: 'Your documents are signed',
    text: 'Your qualified electronic signature was added to each document. You can download them now.',
  },
  downloadAll: 'Download all signed documents (ZIP)',
  downloadOne: 'Download',
};

const FR: ItsmeSignMessages = {
  stepsLabel: 'Progression de la signature',
  steps: {
    identify: 'Identification',
    certificate: 'Certificat',
    confirm: 'Confirmation dans itsme®',
    signed: 'Signé',
  },
  stepState: { done: 'terminé', current: 'étape en cours', upcoming: 'à venir', failed: 'interrompu' },
  phases: {
    idle: { title: 'Signer avec itsme®', text: 'Démarrez une session de signature pour continuer.' },
    loading: { title: 'Un instant…', text: 'Nous chargeons votre session de signature.' },
    'redirect-identification': {
      title: 'Confirmez votre identité',
      text: 'Vous allez être redirigé vers itsme® pour confirmer votre identité. Vous reviendrez ensuite automatiquement ici.',
    },
    identifying: {
      title: 'En attente d’itsme®',
      text: 'Confirmez votre identité dans itsme®. Cette page se met à jour d’elle-même quand c’est fait.',
    },
    certificate: {
      title: 'Préparation de votre certificat',
      text: 'Nous préparons votre certificat de signature qualifié. Cela prend quelques secondes.',
    },
    'redirect-signing': {
      title: 'Confirmez la signature',
      text: 'Vous allez être redirigé vers itsme®. Vérifiez que les icônes correspondent, puis confirmez la signature dans l’app itsme®.',
    },
    signing: {
      title: 'En attente de votre confirmation',
      text: 'Vérifiez que les icônes correspondent et confirmez la signature dans l’app itsme®. Cette page se met à jour d’elle-même.',
    },
    signed: {
      title: 'Votre document est signé',
      text: 'Votre signature électronique qualifiée a été ajoutée. Vous pouvez télécharger le résultat.',
    },
    rejected: {
      title: 'Signature refusée',
      text: 'La signature a été refusée dans itsme®. Rien n’a été signé. Vous pouvez recommencer s’il s’agit d’une erreur.',
    },
    expired: {
      title: 'Session expirée',
      text: 'La session a expiré avant d’être terminée. Rien n’a été signé. Veuillez recommencer.',
    },
    cancelled: { title: 'Signature annulée', text: 'La signature a été annulée. Rien n’a été signé.' },
    failed: {
      title: 'Un problème est survenu',
      text: 'La signature n’a pas pu aboutir. Rien n’a été signé. Veuillez recommencer.',
    },
    'network-error': {
      title: 'Problème de connexion',
      text: 'Le serveur est injoignable pour le moment. Nous réessayons ; vous pouvez aussi réessayer vous-même.',
    },
    'server-error': {
      title: 'Erreur du serveur',
      text: 'Le serveur n’a pas pu répondre. Réessayez dans un instant ou recommencez.',
    },
    'not-found': {
      title: 'Aucune session de signature',
      text: 'Aucune session de signature n’existe dans ce navigateur, ou elle est terminée. Veuillez recommencer.',
    },
  },
  continueToItsme: 'Continuer vers itsme®',
  redirecting: 'Redirection vers itsme®…',
  downloadDocument: 'Télécharger le document signé',
  downloadSignature: 'Télécharger la signature',
  retry: 'Réessayer',
  startAgain: 'Recommencer',
  cancel: 'Annuler la signature',
  errorCode: 'Code d’erreur',
  errors: {
    CERTIFICATE_REVOKED:
      'Votre certificat de signature itsme® a été révoqué : il ne peut plus signer. Rien n’a été envoyé à la signature.',
    CERTIFICATE_UNTRUSTED:
      'Votre certificat de signature n’a pas pu être rattaché à une autorité de confiance. Rien n’a été signé.',
    CERTIFICATE_INVALID:
      'Votre certificat de signature n’est pas valable pour signer maintenant. Rien n’a été signé.',
    REVOCATION_UNAVAILABLE:
      'Nous n’avons pas pu vérifier que votre certificat de signature est toujours valable. Rien n’a été signé ; réessayez dans un instant.',
    DOCUMENT_NOT_FOUND: 'Le document à signer est introuvable.',
    RATE_LIMITED: 'Trop de sessions de signature ont été démarrées. Patientez un instant puis réessayez.',
    UPSTREAM_UNAVAILABLE: 'itsme® est injoignable. Réessayez dans un instant.',
    BATCH_NOT_ALLOWED: 'Ce service ne peut signer qu’un document à la fois. Choisissez un seul document.',
    BATCH_TOO_LARGE: 'Trop de documents pour une seule signature. Choisissez-en moins.',
  },
  document: 'Document',
  documents: 'Documents',
  signedMany: {
    title: 'Vos documents sont signés',
    text: 'Votre signature électronique qualifiée a été ajoutée à chaque document. Vous pouvez les télécharger maintenant.',
  },
  downloadAll: 'Télécharger tous les documents signés (ZIP)',
  downloadOne: 'Télécharger',
};

const NL: ItsmeSignMessages = {
  stepsLabel: 'Voortgang van de ondertekening',
  steps: {
    identify: 'Identificeren',
    certificate: 'Certificaat',
    confirm: 'Bevestigen in itsme®',
    signed: 'Ondertekend',
  },
  stepState: { done: 'klaar', current: 'huidige stap', upcoming: 'nog te doen', failed: 'gestopt' },
  phases: {
    idle: { title: 'Ondertekenen met itsme®', text: 'Start een ondertekensessie om verder te gaan.' },
    loading: { title: 'Even geduld…', text: 'We laden uw ondertekensessie.' },
    'redirect-identification': {
      title: 'Bevestig wie u bent',
      text: 'U wordt nu naar itsme® gebracht om te bevestigen wie u bent. Daarna komt u automatisch hier terug.',
    },
    identifying: {
      title: 'Wachten op itsme®',
      text: 'Bevestig wie u bent in itsme®. Deze pagina werkt zichzelf bij zodra u klaar bent.',
    },
    certificate: {
      title: 'Uw certificaat wordt voorbereid',
      text: 'We maken uw gekwalificeerd ondertekeningscertificaat klaar. Dit duurt enkele seconden.',
    },
    'redirect-signing': {
      title: 'Bevestig de handtekening',
      text: 'U wordt nu naar itsme® gebracht. Controleer of de iconen overeenkomen en bevestig de handtekening in de itsme®-app.',
    },
    signing: {
      title: 'Wachten op uw bevestiging',
      text: 'Controleer of de iconen overeenkomen en bevestig de handtekening in de itsme®-app. Deze pagina werkt zichzelf bij.',
    },
    signed: {
      title: 'Uw document is ondertekend',
      text: 'Uw gekwalificeerde elektronische handtekening is toegevoegd. U kunt het resultaat nu downloaden.',
    },
    rejected: {
      title: 'Handtekening geweigerd',
      text: 'De handtekening werd geweigerd in itsme®. Er werd niets ondertekend. U kunt opnieuw beginnen als dit een vergissing was.',
    },
    expired: {
      title: 'Sessie verlopen',
      text: 'De sessie is verlopen voordat ze voltooid was. Er werd niets ondertekend. Begin opnieuw.',
    },
    cancelled: {
      title: 'Ondertekening geannuleerd',
      text: 'De ondertekening werd geannuleerd. Er werd niets ondertekend.',
    },
    failed: {
      title: 'Er ging iets mis',
      text: 'De handtekening kon niet worden voltooid. Er werd niets ondertekend. Begin opnieuw.',
    },
    'network-error': {
      title: 'Verbindingsprobleem',
      text: 'De server is nu niet bereikbaar. We blijven het proberen; u kunt ook zelf opnieuw proberen.',
    },
    'server-error': {
      title: 'Serverfout',
      text: 'De server kon niet antwoorden. Probeer het zo meteen opnieuw of begin opnieuw.',
    },
    'not-found': {
      title: 'Geen ondertekensessie',
      text: 'Er is geen ondertekensessie in deze browser, of ze is afgelopen. Begin opnieuw.',
    },
  },
  continueToItsme: 'Verder naar itsme®',
  redirecting: 'U wordt naar itsme® gebracht…',
  downloadDocument: 'Ondertekend document downloaden',
  downloadSignature: 'Handtekening downloaden',
  retry: 'Opnieuw proberen',
  startAgain: 'Opnieuw beginnen',
  cancel: 'Ondertekening annuleren',
  errorCode: 'Foutcode',
  errors: {
    CERTIFICATE_REVOKED:
      'Uw itsme®-handtekeningcertificaat werd ingetrokken en kan niet meer ondertekenen. Er werd niets ter ondertekening verstuurd.',
    CERTIFICATE_UNTRUSTED:
      'Uw handtekeningcertificaat kon niet tot een vertrouwde autoriteit worden herleid. Er werd niets ondertekend.',
    CERTIFICATE_INVALID:
      'Uw handtekeningcertificaat is nu niet geldig om te ondertekenen. Er werd niets ondertekend.',
    REVOCATION_UNAVAILABLE:
      'We konden niet nagaan of uw handtekeningcertificaat nog geldig is. Er werd niets ondertekend; probeer het zo meteen opnieuw.',
    DOCUMENT_NOT_FOUND: 'Het te ondertekenen document is niet meer te vinden.',
    RATE_LIMITED: 'Er werden te veel ondertekeningssessies gestart. Wacht even en probeer het opnieuw.',
    UPSTREAM_UNAVAILABLE: 'itsme® is niet bereikbaar. Probeer het zo meteen opnieuw.',
    BATCH_NOT_ALLOWED: 'Deze dienst kan maar één document tegelijk ondertekenen. Kies één document.',
    BATCH_TOO_LARGE: 'Te veel documenten voor één handtekening. Kies er minder.',
  },
  document: 'Document',
  documents: 'Documenten',
  signedMany: {
    title: 'Uw documenten zijn ondertekend',
    text: 'Uw gekwalificeerde elektronische handtekening werd aan elk document toegevoegd. U kunt ze nu downloaden.',
  },
  downloadAll: 'Alle ondertekende documenten downloaden (ZIP)',
  downloadOne: 'Downloaden',
};

const DE: ItsmeSignMessages = {
  stepsLabel: 'Fortschritt der Signatur',
  steps: {
    identify: 'Identifizieren',
    certificate: 'Zertifikat',
    confirm: 'In itsme® bestätigen',
    signed: 'Signiert',
  },
  stepState: { done: 'erledigt', current: 'aktueller Schritt', upcoming: 'offen', failed: 'abgebrochen' },
  phases: {
    idle: { title: 'Mit itsme® signieren', text: 'Starten Sie eine Signatursitzung, um fortzufahren.' },
    loading: { title: 'Einen Moment…', text: 'Wir laden Ihre Signatursitzung.' },
    'redirect-identification': {
      title: 'Bestätigen Sie Ihre Identität',
      text: 'Sie werden jetzt zu itsme® weitergeleitet, um Ihre Identität zu bestätigen. Danach kommen Sie automatisch hierher zurück.',
    },
    identifying: {
      title: 'Warten auf itsme®',
      text: 'Bestätigen Sie Ihre Identität in itsme®. Diese Seite aktualisiert sich von selbst, sobald Sie fertig sind.',
    },
    certificate: {
      title: 'Ihr Zertifikat wird vorbereitet',
      text: 'Wir bereiten Ihr qualifiziertes Signaturzertifikat vor. Das dauert einige Sekunden.',
    },
    'redirect-signing': {
      title: 'Bestätigen Sie die Signatur',
      text: 'Sie werden jetzt zu itsme® weitergeleitet. Prüfen Sie, ob die Symbole übereinstimmen, und bestätigen Sie die Signatur in der itsme®-App.',
    },
    signing: {
      title: 'Warten auf Ihre Bestätigung',
      text: 'Prüfen Sie, ob die Symbole übereinstimmen, und bestätigen Sie die Signatur in der itsme®-App. Diese Seite aktualisiert sich von selbst.',
    },
    signed: {
      title: 'Ihr Dokument ist signiert',
      text: 'Ihre qualifizierte elektronische Signatur wurde hinzugefügt. Sie können das Ergebnis jetzt herunterladen.',
    },
    rejected: {
      title: 'Signatur abgelehnt',
      text: 'Die Signatur wurde in itsme® abgelehnt. Es wurde nichts signiert. Falls das ein Versehen war, können Sie neu beginnen.',
    },
    expired: {
      title: 'Sitzung abgelaufen',
      text: 'Die Sitzung ist abgelaufen, bevor sie abgeschlossen wurde. Es wurde nichts signiert. Bitte beginnen Sie neu.',
    },
    cancelled: {
      title: 'Signatur abgebrochen',
      text: 'Die Signatur wurde abgebrochen. Es wurde nichts signiert.',
    },
    failed: {
      title: 'Etwas ist schiefgelaufen',
      text: 'Die Signatur konnte nicht abgeschlossen werden. Es wurde nichts signiert. Bitte beginnen Sie neu.',
    },
    'network-error': {
      title: 'Verbindungsproblem',
      text: 'Der Server ist gerade nicht erreichbar. Wir versuchen es weiter; Sie können es auch selbst erneut versuchen.',
    },
    'server-error': {
      title: 'Serverfehler',
      text: 'Der Server konnte nicht antworten. Versuchen Sie es gleich noch einmal oder beginnen Sie neu.',
    },
    'not-found': {
      title: 'Keine Signatursitzung',
      text: 'In diesem Browser gibt es keine Signatursitzung, oder sie ist beendet. Bitte beginnen Sie neu.',
    },
  },
  continueToItsme: 'Weiter zu itsme®',
  redirecting: 'Weiterleitung zu itsme®…',
  downloadDocument: 'Signiertes Dokument herunterladen',
  downloadSignature: 'Signatur herunterladen',
  retry: 'Erneut versuchen',
  startAgain: 'Neu beginnen',
  cancel: 'Signatur abbrechen',
  errorCode: 'Fehlercode',
  errors: {
    CERTIFICATE_REVOKED:
      'Ihr itsme®-Signaturzertifikat wurde widerrufen und kann nicht mehr signieren. Es wurde nichts zur Signatur gesendet.',
    CERTIFICATE_UNTRUSTED:
      'Ihr Signaturzertifikat ließ sich keiner vertrauenswürdigen Stelle zuordnen. Es wurde nichts signiert.',
    CERTIFICATE_INVALID:
      'Ihr Signaturzertifikat ist derzeit nicht zum Signieren gültig. Es wurde nichts signiert.',
    REVOCATION_UNAVAILABLE:
      'Wir konnten nicht prüfen, ob Ihr Signaturzertifikat noch gültig ist. Es wurde nichts signiert; bitte versuchen Sie es gleich noch einmal.',
    DOCUMENT_NOT_FOUND: 'Das zu signierende Dokument ist nicht mehr auffindbar.',
    RATE_LIMITED:
      'Es wurden zu viele Signatursitzungen gestartet. Bitte warten Sie einen Moment und versuchen Sie es erneut.',
    UPSTREAM_UNAVAILABLE: 'itsme® ist nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    BATCH_NOT_ALLOWED: 'Dieser Dienst kann nur ein Dokument auf einmal signieren. Wählen Sie ein Dokument.',
    BATCH_TOO_LARGE: 'Zu viele Dokumente für eine Signatur. Wählen Sie weniger Dokumente.',
  },
  document: 'Dokument',
  documents: 'Dokumente',
  signedMany: {
    title: 'Ihre Dokumente sind signiert',
    text: 'Ihre qualifizierte elektronische Signatur wurde jedem Dokument hinzugefügt. Sie können sie jetzt herunterladen.',
  },
  downloadAll: 'Alle signierten Dokumente herunterladen (ZIP)',
  downloadOne: 'Herunterladen',
};

export const ITSME_SIGN_MESSAGES_BY_LANG: Readonly<Record<LanguageCode, ItsmeSignMessages>> = {
  EN,
  FR,
  NL,
  DE,
};

/** The messages of `lang` with the app's overrides applied (phases and steps merge per key). */
export function messagesFor(
  lang: LanguageCode,
  overrides: Partial<ItsmeSignMessages> | undefined,
): ItsmeSignMessages {
  const base = ITSME_SIGN_MESSAGES_BY_LANG[lang];
  if (!overrides) return base;
  return {
    ...base,
    ...overrides,
    steps: { ...base.steps, ...overrides.steps },
    stepState: { ...base.stepState, ...overrides.stepState },
    phases: { ...base.phases, ...overrides.phases },
    errors: { ...base.errors, ...overrides.errors },
  };
}

/** Normalises a language tag (`fr`, `fr-BE`, `NL`) to one of EN/FR/NL/DE, or undefined. */
export function toLanguageCode(tag: string | null | undefined): LanguageCode | undefined {
  const code = tag?.slice(0, 2).toUpperCase();
  return LANGUAGES.find((language) => language === code);
}

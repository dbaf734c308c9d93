/**
 * The demo's own words in the four languages of itsme® (the status component brings its own). The language
 * is the one picked on the start page; it survives the trip to itsme® and back in `sessionStorage`.
 */
import { DOCUMENT } from '@angular/common';
import { computed, Injectable, inject, signal } from '@angular/core';
import { LANGUAGES, type Language } from '@itsme-sign/core/contract/constants';

export interface DemoText {
  /** `<html lang>`. */
  htmlLang: string;
  titleStart: string;
  titleStatus: string;
  /** The brand link's accessible name: its visible text first (WCAG 2.5.3), then where it goes. */
  home: string;
  brandSub: string;
  badge: string;
  badgeTitle: string;
  footer: string;
  /** A heading around "itsme®": the text before it and after it. */
  heading: [string, string];
  lead: string;
  chooseDocument: string;
  /** Under the list: ticking several signs them all with one approval. */
  batchHint: string;
  /** The sign button's note when several documents are ticked. */
  signMany: (count: number) => string;
  loadingDocuments: string;
  loadError: string;
  preview: string;
  uploadOwn: string;
  uploading: string;
  uploadHint: string;
  notPdf: string;
  tooLarge: string;
  uploadFailed: string;
  yourDetails: string;
  signerRole: string;
  optional: string;
  rolePlaceholder: string;
  roleHint: string;
  roleTooLong: (max: number) => string;
  roleLatin1: string;
  language: string;
  languageHint: string;
  signSection: string;
  hashMode: string;
  hashModeHint: string;
  signButton: string;
  starting: string;
  signHint: string;
  unreachable: string;
  cannotStart: (detail: string) => string;
  unreadable: string;
  howTitle: string;
  /** The four steps: a bold word and a sentence. */
  how: [string, string][];
  sandboxNote: string;
  back: string;
  signingHeading: [string, string];
  checkTitle: string;
  /** The text around `pdfsig signed.pdf`. */
  checkText: [string, string];
  gotTitle: string;
  gotText: string;
  /** The evidence record (core's `onSigned`): its card on the result page. */
  evidence: {
    title: string;
    text: string;
    signer: string;
    serial: string;
    signedAt: string;
    itsmeId: string;
    documents: string;
    download: string;
  };
}

export const DEMO_TEXT: Record<Language, DemoText> = {
  EN: {
    htmlLang: 'en',
    titleStart: 'Sign a PDF with itsme® — demo',
    titleStatus: 'Signing — itsme® Sign demo',
    home: 'itsme® Sign demo, home',
    brandSub: 'demo',
    badge: 'Sandbox',
    badgeTitle: 'No real identities, no real signatures',
    footer:
      'This demo talks to an offline itsme® sandbox: the identities, certificates and signatures are test data. In production the same code talks to itsme® over mutual TLS.',
    heading: ['Sign a PDF with ', ''],
    lead: 'Pick a document, say in which capacity you sign, and confirm in the itsme® app. You get back the PDF with a qualified electronic signature.',
    chooseDocument: 'Choose documents',
    batchHint: 'Tick several to sign them all with one itsme® approval.',
    signMany: (n) => `Sign ${n} documents with itsme®`,
    loadingDocuments: 'Loading the sample documents…',
    loadError: 'The sample documents could not be loaded. Is the demo back end running?',
    preview: 'Preview',
    uploadOwn: 'Upload your own PDF',
    uploading: 'Uploading…',
    uploadHint: 'Up to 10 MB. It stays on this demo server.',
    notPdf: 'That is not a PDF file.',
    tooLarge: 'That file is larger than 10 MB.',
    uploadFailed: 'The upload failed. Please try another PDF.',
    yourDetails: 'Your details',
    signerRole: 'Signer role',
    optional: '(optional)',
    rolePlaceholder: 'e.g. Director, on behalf of Acme NV',
    roleHint: 'Shown in the itsme® app with the signature.',
    roleTooLong: (max) => `At most ${max} characters.`,
    roleLatin1: 'Use Latin letters, digits and punctuation only (ISO-8859-1).',
    language: 'Language',
    languageHint: 'Used by itsme® and by the status page.',
    signSection: 'Sign',
    hashMode: 'Hash mode',
    hashModeHint:
      "Send only the document's SHA-256; you get the raw signature as JSON instead of a signed PDF.",
    signButton: 'Sign with itsme®',
    starting: 'Starting…',
    signHint: 'You will confirm who you are at itsme®, then approve the signature on your phone.',
    unreachable: 'The server cannot be reached. Please try again.',
    cannotStart: (detail) => `The signing could not start: ${detail}`,
    unreadable: 'The document could not be read. Please try again.',
    howTitle: 'How it works',
    how: [
      ['Identify.', 'itsme® asks for your phone number and you confirm in the app.'],
      ['Certificate.', 'A qualified signing certificate is issued in your name.'],
      ['Confirm.', 'Check that the icon on this screen matches the one in the app, then sign.'],
      ['Signed.', 'The signature is added to the PDF (PAdES). Download it and open it in any PDF reader.'],
    ],
    sandboxNote: 'Sandbox: the phone is simulated in a browser tab; nothing here is a real identity.',
    back: '← Sign another document',
    signingHeading: ['Signing with ', ''],
    checkTitle: 'Check the signature yourself',
    checkText: [
      'Open the PDF in a PDF reader and look at the signature panel, or run',
      "The signature is a PAdES signature with a qualified certificate from the sandbox's test authority, so readers will say it is not from a trusted authority.",
    ],
    gotTitle: 'What you got',
    gotText:
      "The JSON holds the raw signature value over the digest you sent and the signer's certificate chain. Your back end puts them into the signature container (CAdES, PAdES, XAdES).",
    evidence: {
      title: 'The evidence record',
      text: 'What the back end kept of this signature (appended to its audit trail, a JSON-lines file).',
      signer: 'Signer',
      serial: 'Certificate serial number',
      signedAt: 'Signed at',
      itsmeId: 'itsme® signing session',
      documents: 'Signed files (SHA-256)',
      download: 'Download the record (JSON)',
    },
  },
  FR: {
    htmlLang: 'fr',
    titleStart: 'Signer un PDF avec itsme® — démo',
    titleStatus: 'Signature — démo itsme® Sign',
    home: 'itsme® Sign démo, accueil',
    brandSub: 'démo',
    badge: 'Bac à sable',
    badgeTitle: 'Aucune identité réelle, aucune signature réelle',
    footer:
      'Cette démo parle à un bac à sable itsme® hors ligne : les identités, certificats et signatures sont des données de test. En production, le même code parle à itsme® en TLS mutuel.',
    heading: ['Signer un PDF avec ', ''],
    lead: 'Choisissez un document, indiquez en quelle qualité vous signez et confirmez dans l’app itsme®. Vous recevez le PDF avec une signature électronique qualifiée.',
    chooseDocument: 'Choisissez des documents',
    batchHint: 'Cochez-en plusieurs pour les signer tous avec une seule approbation itsme®.',
    signMany: (n) => `Signer ${n} documents avec itsme®`,
    loadingDocuments: 'Chargement des documents d’exemple…',
    loadError: 'Les documents d’exemple n’ont pas pu être chargés. Le serveur de la démo tourne-t-il ?',
    preview: 'Aperçu',
    uploadOwn: 'Envoyer votre propre PDF',
    uploading: 'Envoi…',
    uploadHint: 'Jusqu’à 10 Mo. Il reste sur ce serveur de démo.',
    notPdf: 'Ce n’est pas un fichier PDF.',
    tooLarge: 'Ce fichier dépasse 10 Mo.',
    uploadFailed: 'L’envoi a échoué. Essayez un autre PDF.',
    yourDetails: 'Vos informations',
    signerRole: 'Qualité du signataire',
    optional: '(facultatif)',
    rolePlaceholder: 'p. ex. Administrateur, pour Acme SA',
    roleHint: 'Affichée dans l’app itsme® avec la signature.',
    roleTooLong: (max) => `${max} caractères au maximum.`,
    roleLatin1: 'Lettres latines, chiffres et ponctuation uniquement (ISO-8859-1).',
    language: 'Langue',
    languageHint: 'Utilisée par itsme® et par la page de suivi.',
    signSection: 'Signer',
    hashMode: 'Mode empreinte',
    hashModeHint:
      'N’envoie que le SHA-256 du document ; vous recevez la signature brute en JSON au lieu d’un PDF signé.',
    signButton: 'Signer avec itsme®',
    starting: 'Démarrage…',
    signHint:
      'Vous confirmerez votre identité chez itsme®, puis approuverez la signature sur votre téléphone.',
    unreachable: 'Le serveur est injoignable. Réessayez.',
    cannotStart: (detail) => `La signature n’a pas pu démarrer : ${detail}`,
    unreadable: 'Le document n’a pas pu être lu. Réessayez.',
    howTitle: 'Comment ça marche',
    how: [
      ['Identification.', 'itsme® demande votre numéro de téléphone et vous confirmez dans l’app.'],
      ['Certificat.', 'Un certificat de signature qualifié est émis à votre nom.'],
      ['Confirmation.', 'Vérifiez que l’icône de cet écran est celle de l’app, puis signez.'],
      ['Signé.', 'La signature est ajoutée au PDF (PAdES). Téléchargez-le et ouvrez-le dans un lecteur PDF.'],
    ],
    sandboxNote: 'Bac à sable : le téléphone est simulé dans un onglet ; aucune identité réelle ici.',
    back: '← Signer un autre document',
    signingHeading: ['Signature avec ', ''],
    checkTitle: 'Vérifiez la signature vous-même',
    checkText: [
      'Ouvrez le PDF dans un lecteur PDF et regardez le panneau des signatures, ou lancez',
      'C’est une signature PAdES avec un certificat qualifié de l’autorité de test du bac à sable : les lecteurs diront qu’elle ne vient pas d’une autorité de confiance.',
    ],
    gotTitle: 'Ce que vous avez reçu',
    gotText:
      'Le JSON contient la valeur de signature brute sur l’empreinte envoyée et la chaîne de certificats du signataire. Votre serveur les place dans le conteneur de signature (CAdES, PAdES, XAdES).',
    evidence: {
      title: 'Le dossier de preuve',
      text: 'Ce que le serveur a conservé de cette signature (ajouté à sa piste d’audit, un fichier JSON lines).',
      signer: 'Signataire',
      serial: 'Numéro de série du certificat',
      signedAt: 'Signé le',
      itsmeId: 'Session de signature itsme®',
      documents: 'Fichiers signés (SHA-256)',
      download: 'Télécharger le dossier (JSON)',
    },
  },
  NL: {
    htmlLang: 'nl',
    titleStart: 'Een pdf ondertekenen met itsme® — demo',
    titleStatus: 'Ondertekenen — itsme® Sign-demo',
    home: 'itsme® Sign demo, startpagina',
    brandSub: 'demo',
    badge: 'Sandbox',
    badgeTitle: 'Geen echte identiteiten, geen echte handtekeningen',
    footer:
      'Deze demo praat met een offline itsme®-sandbox: de identiteiten, certificaten en handtekeningen zijn testgegevens. In productie praat dezelfde code met itsme® over wederzijdse TLS.',
    heading: ['Een pdf ondertekenen met ', ''],
    lead: 'Kies een document, zeg in welke hoedanigheid u tekent en bevestig in de itsme®-app. U krijgt de pdf terug met een gekwalificeerde elektronische handtekening.',
    chooseDocument: 'Kies documenten',
    batchHint: 'Vink er meerdere aan om ze allemaal met één itsme®-goedkeuring te ondertekenen.',
    signMany: (n) => `${n} documenten ondertekenen met itsme®`,
    loadingDocuments: 'De voorbeelddocumenten worden geladen…',
    loadError: 'De voorbeelddocumenten konden niet worden geladen. Draait de demoserver?',
    preview: 'Voorbeeld',
    uploadOwn: 'Uw eigen pdf uploaden',
    uploading: 'Uploaden…',
    uploadHint: 'Tot 10 MB. Hij blijft op deze demoserver.',
    notPdf: 'Dat is geen pdf-bestand.',
    tooLarge: 'Dat bestand is groter dan 10 MB.',
    uploadFailed: 'Het uploaden is mislukt. Probeer een andere pdf.',
    yourDetails: 'Uw gegevens',
    signerRole: 'Hoedanigheid van de ondertekenaar',
    optional: '(optioneel)',
    rolePlaceholder: 'bv. Bestuurder, namens Acme NV',
    roleHint: 'Getoond in de itsme®-app bij de handtekening.',
    roleTooLong: (max) => `Hoogstens ${max} tekens.`,
    roleLatin1: 'Alleen Latijnse letters, cijfers en leestekens (ISO-8859-1).',
    language: 'Taal',
    languageHint: 'Gebruikt door itsme® en door de statuspagina.',
    signSection: 'Ondertekenen',
    hashMode: 'Hashmodus',
    hashModeHint:
      'Stuurt alleen de SHA-256 van het document; u krijgt de ruwe handtekening als JSON in plaats van een ondertekende pdf.',
    signButton: 'Ondertekenen met itsme®',
    starting: 'Starten…',
    signHint: 'U bevestigt bij itsme® wie u bent en keurt daarna de handtekening goed op uw telefoon.',
    unreachable: 'De server is niet bereikbaar. Probeer het opnieuw.',
    cannotStart: (detail) => `Het ondertekenen kon niet starten: ${detail}`,
    unreadable: 'Het document kon niet worden gelezen. Probeer het opnieuw.',
    howTitle: 'Hoe het werkt',
    how: [
      ['Identificeren.', 'itsme® vraagt uw telefoonnummer en u bevestigt in de app.'],
      ['Certificaat.', 'Er wordt een gekwalificeerd handtekeningcertificaat op uw naam uitgegeven.'],
      ['Bevestigen.', 'Controleer of het icoon op dit scherm hetzelfde is als in de app en teken.'],
      [
        'Ondertekend.',
        'De handtekening wordt aan de pdf toegevoegd (PAdES). Download hem en open hem in een pdf-lezer.',
      ],
    ],
    sandboxNote:
      'Sandbox: de telefoon wordt in een browsertabblad nagebootst; niets hier is een echte identiteit.',
    back: '← Een ander document ondertekenen',
    signingHeading: ['Ondertekenen met ', ''],
    checkTitle: 'Controleer de handtekening zelf',
    checkText: [
      'Open de pdf in een pdf-lezer en bekijk het handtekeningenpaneel, of voer uit:',
      'Het is een PAdES-handtekening met een gekwalificeerd certificaat van de testautoriteit van de sandbox, dus lezers zeggen dat ze niet van een vertrouwde autoriteit komt.',
    ],
    gotTitle: 'Wat u kreeg',
    gotText:
      'De JSON bevat de ruwe handtekeningwaarde over de verstuurde hash en de certificaatketen van de ondertekenaar. Uw back-end zet ze in de handtekeningcontainer (CAdES, PAdES, XAdES).',
    evidence: {
      title: 'Het bewijsdossier',
      text: 'Wat de server van deze handtekening bewaarde (toegevoegd aan zijn audittrail, een JSON-lines-bestand).',
      signer: 'Ondertekenaar',
      serial: 'Serienummer van het certificaat',
      signedAt: 'Ondertekend op',
      itsmeId: 'itsme®-ondertekeningssessie',
      documents: 'Ondertekende bestanden (SHA-256)',
      download: 'Het dossier downloaden (JSON)',
    },
  },
  DE: {
    htmlLang: 'de',
    titleStart: 'Ein PDF mit itsme® signieren — Demo',
    titleStatus: 'Signieren — itsme® Sign-Demo',
    home: 'itsme® Sign Demo, Startseite',
    brandSub: 'Demo',
    badge: 'Sandbox',
    badgeTitle: 'Keine echten Identitäten, keine echten Signaturen',
    footer:
      'Diese Demo spricht mit einer Offline-Sandbox von itsme®: Identitäten, Zertifikate und Signaturen sind Testdaten. In Produktion spricht derselbe Code über gegenseitiges TLS mit itsme®.',
    heading: ['Ein PDF mit ', ' signieren'],
    lead: 'Wählen Sie ein Dokument, geben Sie an, in welcher Eigenschaft Sie unterschreiben, und bestätigen Sie in der itsme®-App. Sie erhalten das PDF mit einer qualifizierten elektronischen Signatur zurück.',
    chooseDocument: 'Dokumente wählen',
    batchHint: 'Wählen Sie mehrere, um alle mit einer einzigen itsme®-Freigabe zu signieren.',
    signMany: (n) => `${n} Dokumente mit itsme® signieren`,
    loadingDocuments: 'Die Beispieldokumente werden geladen…',
    loadError: 'Die Beispieldokumente konnten nicht geladen werden. Läuft der Demo-Server?',
    preview: 'Vorschau',
    uploadOwn: 'Eigenes PDF hochladen',
    uploading: 'Wird hochgeladen…',
    uploadHint: 'Bis 10 MB. Es bleibt auf diesem Demo-Server.',
    notPdf: 'Das ist keine PDF-Datei.',
    tooLarge: 'Die Datei ist größer als 10 MB.',
    uploadFailed: 'Das Hochladen ist fehlgeschlagen. Versuchen Sie ein anderes PDF.',
    yourDetails: 'Ihre Angaben',
    signerRole: 'Rolle des Unterzeichners',
    optional: '(optional)',
    rolePlaceholder: 'z. B. Geschäftsführer, für Acme GmbH',
    roleHint: 'Wird in der itsme®-App mit der Signatur angezeigt.',
    roleTooLong: (max) => `Höchstens ${max} Zeichen.`,
    roleLatin1: 'Nur lateinische Buchstaben, Ziffern und Satzzeichen (ISO-8859-1).',
    language: 'Sprache',
    languageHint: 'Für itsme® und für die Statusseite.',
    signSection: 'Signieren',
    hashMode: 'Hash-Modus',
    hashModeHint:
      'Sendet nur den SHA-256 des Dokuments; Sie erhalten die rohe Signatur als JSON statt eines signierten PDFs.',
    signButton: 'Mit itsme® signieren',
    starting: 'Wird gestartet…',
    signHint: 'Sie bestätigen bei itsme®, wer Sie sind, und geben dann die Signatur auf Ihrem Telefon frei.',
    unreachable: 'Der Server ist nicht erreichbar. Bitte versuchen Sie es erneut.',
    cannotStart: (detail) => `Das Signieren konnte nicht starten: ${detail}`,
    unreadable: 'Das Dokument konnte nicht gelesen werden. Bitte versuchen Sie es erneut.',
    howTitle: 'So funktioniert es',
    how: [
      ['Identifizieren.', 'itsme® fragt nach Ihrer Telefonnummer und Sie bestätigen in der App.'],
      ['Zertifikat.', 'Ein qualifiziertes Signaturzertifikat wird auf Ihren Namen ausgestellt.'],
      [
        'Bestätigen.',
        'Prüfen Sie, ob das Symbol auf diesem Bildschirm dem in der App entspricht, und signieren Sie.',
      ],
      [
        'Signiert.',
        'Die Signatur wird dem PDF hinzugefügt (PAdES). Laden Sie es herunter und öffnen Sie es in einem PDF-Reader.',
      ],
    ],
    sandboxNote:
      'Sandbox: Das Telefon wird in einem Browser-Tab simuliert; nichts hier ist eine echte Identität.',
    back: '← Ein anderes Dokument signieren',
    signingHeading: ['Signieren mit ', ''],
    checkTitle: 'Prüfen Sie die Signatur selbst',
    checkText: [
      'Öffnen Sie das PDF in einem PDF-Reader und sehen Sie sich die Signaturen an, oder führen Sie aus:',
      'Es ist eine PAdES-Signatur mit einem qualifizierten Zertifikat der Test-Zertifizierungsstelle der Sandbox; Reader melden daher, dass sie nicht von einer vertrauenswürdigen Stelle stammt.',
    ],
    gotTitle: 'Was Sie erhalten haben',
    gotText:
      'Das JSON enthält den rohen Signaturwert über den gesendeten Hash und die Zertifikatskette des Unterzeichners. Ihr Back-End setzt beides in den Signaturcontainer (CAdES, PAdES, XAdES).',
    evidence: {
      title: 'Der Nachweis',
      text: 'Was der Server von dieser Signatur aufbewahrt hat (an sein Audit-Protokoll angehängt, eine JSON-Lines-Datei).',
      signer: 'Unterzeichner',
      serial: 'Seriennummer des Zertifikats',
      signedAt: 'Signiert am',
      itsmeId: 'itsme®-Signatursitzung',
      documents: 'Signierte Dateien (SHA-256)',
      download: 'Nachweis herunterladen (JSON)',
    },
  },
};

const STORAGE_KEY = 'itsme-sign-demo-lang';

const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** The demo's language: picked on the start page, kept for the way back from itsme®. */
@Injectable({ providedIn: 'root' })
export class DemoI18n {
  private readonly document = inject(DOCUMENT);
  readonly lang = signal<Language>(this.initial());
  readonly text = computed(() => DEMO_TEXT[this.lang()]);

  constructor() {
    this.apply(this.lang());
  }

  set(lang: Language): void {
    this.lang.set(lang);
    this.apply(lang);
    try {
      this.document.defaultView?.sessionStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Storage may be disabled: the language then lasts as long as the page.
    }
  }

  private apply(lang: Language): void {
    this.document.documentElement.lang = DEMO_TEXT[lang].htmlLang;
  }

  private initial(): Language {
    const view = this.document.defaultView;
    let stored: string | null = null;
    try {
      stored = view?.sessionStorage.getItem(STORAGE_KEY) ?? null;
    } catch {
      stored = null;
    }
    if (isLanguage(stored)) return stored;
    const tag = (view?.navigator.language ?? '').slice(0, 2).toUpperCase();
    return isLanguage(tag) ? tag : 'EN';
  }
}

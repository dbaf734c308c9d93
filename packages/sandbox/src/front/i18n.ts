/** The texts of the user pages, in the four languages of itsme®. */
export type PageLang = 'EN' | 'FR' | 'NL' | 'DE';

const en = {
  identifyTitle: 'Identify yourself with itsme®',
  identifyIntro: 'Enter the mobile number linked to your itsme® account.',
  phoneLabel: 'Mobile number',
  phoneHint:
    'Sandbox: any number works, e.g. +32470000001. A new number gets a new test identity; +32470000403 is an account that may not sign.',
  send: 'Send',
  invalidPhone: 'Enter a valid mobile number (8 to 15 digits, optionally starting with +).',
  confirmTitle: 'Confirm in your itsme® app',
  confirmCreateCert: 'First time? Your app asks you to create your signing certificate.',
  confirmIdentify: 'Your app asks you to confirm your identity.',
  openPhone: 'Open the simulated itsme® app',
  waiting: 'Waiting for your confirmation…',
  signTitle: 'Sign with itsme®',
  document: 'Document',
  signerRole: 'Signing as',
  policy: 'Signature policy',
  pokaIntro:
    'Security check: your app shows the same three icons, in the same order. Tap the one highlighted in orange.',
  highlighted: 'highlighted',
  done: 'Done. Taking you back…',
  rejected: 'The action was rejected. Taking you back…',
  expired: 'The action expired. Taking you back…',
  notAllowed: 'This itsme® account cannot sign. Taking you back…',
  failed: 'Something went wrong at itsme®. Taking you back…',
  unknown: 'This link is unknown or has expired.',
  phoneTitle: 'itsme® (simulated app)',
  phoneNumberLabel: 'Phone number',
  open: 'Open',
  noActions: 'No pending action. Keep this page open: it refreshes by itself.',
  createCert: 'Create your signing certificate',
  identify: 'Confirm your identity',
  signAction: 'Sign a document',
  requestedBy: 'Requested by',
  approve: 'Confirm',
  reject: 'Reject',
  pickIcon: 'Tap the icon highlighted on the signing page',
  expiresIn: 'Expires at',
  documentCount: '{n} documents',
  signActionBatch: 'Sign documents',
};
export type Texts = typeof en;

const fr: Texts = {
  identifyTitle: 'Identifiez-vous avec itsme®',
  identifyIntro: 'Entrez le numéro de mobile lié à votre compte itsme®.',
  phoneLabel: 'Numéro de mobile',
  phoneHint:
    'Sandbox : tout numéro convient, p. ex. +32470000001. Un nouveau numéro crée une identité de test ; +32470000403 est un compte qui ne peut pas signer.',
  send: 'Envoyer',
  invalidPhone: 'Entrez un numéro de mobile valide (8 à 15 chiffres, éventuellement précédés de +).',
  confirmTitle: 'Confirmez dans votre app itsme®',
  confirmCreateCert: 'Première fois ? Votre app vous demande de créer votre certificat de signature.',
  confirmIdentify: 'Votre app vous demande de confirmer votre identité.',
  openPhone: "Ouvrir l'app itsme® simulée",
  waiting: 'En attente de votre confirmation…',
  signTitle: 'Signez avec itsme®',
  document: 'Document',
  signerRole: 'Vous signez en tant que',
  policy: 'Politique de signature',
  pokaIntro:
    'Contrôle de sécurité : votre app affiche les mêmes trois icônes, dans le même ordre. Touchez celle qui est en orange.',
  highlighted: 'mise en évidence',
  done: 'Terminé. Retour en cours…',
  rejected: "L'action a été refusée. Retour en cours…",
  expired: "L'action a expiré. Retour en cours…",
  notAllowed: 'Ce compte itsme® ne peut pas signer. Retour en cours…',
  failed: "Une erreur s'est produite chez itsme®. Retour en cours…",
  unknown: 'Ce lien est inconnu ou a expiré.',
  phoneTitle: 'itsme® (app simulée)',
  phoneNumberLabel: 'Numéro de téléphone',
  open: 'Ouvrir',
  noActions: "Aucune action en attente. Gardez cette page ouverte : elle s'actualise seule.",
  createCert: 'Créez votre certificat de signature',
  identify: 'Confirmez votre identité',
  signAction: 'Signer un document',
  requestedBy: 'Demandé par',
  approve: 'Confirmer',
  reject: 'Refuser',
  pickIcon: "Touchez l'icône mise en évidence sur la page de signature",
  expiresIn: 'Expire à',
  documentCount: '{n} documents',
  signActionBatch: 'Signer des documents',
};

const nl: Texts = {
  identifyTitle: 'Identificeer je met itsme®',
  identifyIntro: 'Geef het gsm-nummer in dat aan je itsme®-account gekoppeld is.',
  phoneLabel: 'Gsm-nummer',
  phoneHint:
    'Sandbox: elk nummer werkt, bv. +32470000001. Een nieuw nummer krijgt een nieuwe testidentiteit; +32470000403 is een account dat niet mag ondertekenen.',
  send: 'Versturen',
  invalidPhone: 'Geef een geldig gsm-nummer in (8 tot 15 cijfers, eventueel met + ervoor).',
  confirmTitle: 'Bevestig in je itsme®-app',
  confirmCreateCert: 'Eerste keer? Je app vraagt je om je handtekeningcertificaat aan te maken.',
  confirmIdentify: 'Je app vraagt je om je identiteit te bevestigen.',
  openPhone: 'Open de gesimuleerde itsme®-app',
  waiting: 'We wachten op je bevestiging…',
  signTitle: 'Onderteken met itsme®',
  document: 'Document',
  signerRole: 'Je ondertekent als',
  policy: 'Handtekeningbeleid',
  pokaIntro:
    'Veiligheidscontrole: je app toont dezelfde drie iconen in dezelfde volgorde. Tik op het oranje gemarkeerde icoon.',
  highlighted: 'gemarkeerd',
  done: 'Klaar. We brengen je terug…',
  rejected: 'De actie werd geweigerd. We brengen je terug…',
  expired: 'De actie is verlopen. We brengen je terug…',
  notAllowed: 'Met deze itsme®-account kun je niet ondertekenen. We brengen je terug…',
  failed: 'Er ging iets mis bij itsme®. We brengen je terug…',
  unknown: 'Deze link is onbekend of verlopen.',
  phoneTitle: 'itsme® (gesimuleerde app)',
  phoneNumberLabel: 'Telefoonnummer',
  open: 'Openen',
  noActions: 'Geen openstaande actie. Laat deze pagina open: ze ververst vanzelf.',
  createCert: 'Maak je handtekeningcertificaat aan',
  identify: 'Bevestig je identiteit',
  signAction: 'Een document ondertekenen',
  requestedBy: 'Gevraagd door',
  approve: 'Bevestigen',
  reject: 'Weigeren',
  pickIcon: 'Tik op het icoon dat op de ondertekeningspagina gemarkeerd is',
  expiresIn: 'Verloopt om',
  documentCount: '{n} documenten',
  signActionBatch: 'Documenten ondertekenen',
};

const de: Texts = {
  identifyTitle: 'Identifizieren Sie sich mit itsme®',
  identifyIntro: 'Geben Sie die Mobilnummer Ihres itsme®-Kontos ein.',
  phoneLabel: 'Mobilnummer',
  phoneHint:
    'Sandbox: Jede Nummer funktioniert, z. B. +32470000001. Eine neue Nummer erhält eine neue Testidentität; +32470000403 ist ein Konto, das nicht unterschreiben darf.',
  send: 'Senden',
  invalidPhone: 'Geben Sie eine gültige Mobilnummer ein (8 bis 15 Ziffern, optional mit +).',
  confirmTitle: 'Bestätigen Sie in Ihrer itsme®-App',
  confirmCreateCert: 'Zum ersten Mal? Ihre App bittet Sie, Ihr Signaturzertifikat zu erstellen.',
  confirmIdentify: 'Ihre App bittet Sie, Ihre Identität zu bestätigen.',
  openPhone: 'Die simulierte itsme®-App öffnen',
  waiting: 'Wir warten auf Ihre Bestätigung…',
  signTitle: 'Mit itsme® unterschreiben',
  document: 'Dokument',
  signerRole: 'Sie unterschreiben als',
  policy: 'Signaturrichtlinie',
  pokaIntro:
    'Sicherheitsprüfung: Ihre App zeigt dieselben drei Symbole in derselben Reihenfolge. Tippen Sie auf das orange markierte.',
  highlighted: 'markiert',
  done: 'Fertig. Sie werden zurückgeleitet…',
  rejected: 'Die Aktion wurde abgelehnt. Sie werden zurückgeleitet…',
  expired: 'Die Aktion ist abgelaufen. Sie werden zurückgeleitet…',
  notAllowed: 'Mit diesem itsme®-Konto kann nicht unterschrieben werden. Sie werden zurückgeleitet…',
  failed: 'Bei itsme® ist ein Fehler aufgetreten. Sie werden zurückgeleitet…',
  unknown: 'Dieser Link ist unbekannt oder abgelaufen.',
  phoneTitle: 'itsme® (simulierte App)',
  phoneNumberLabel: 'Telefonnummer',
  open: 'Öffnen',
  noActions: 'Keine offene Aktion. Lassen Sie diese Seite offen: Sie aktualisiert sich selbst.',
  createCert: 'Erstellen Sie Ihr Signaturzertifikat',
  identify: 'Bestätigen Sie Ihre Identität',
  signAction: 'Ein Dokument unterschreiben',
  requestedBy: 'Angefragt von',
  approve: 'Bestätigen',
  reject: 'Ablehnen',
  pickIcon: 'Tippen Sie auf das auf der Signaturseite markierte Symbol',
  expiresIn: 'Läuft ab um',
  documentCount: '{n} Dokumente',
  signActionBatch: 'Dokumente unterschreiben',
};

const TEXTS: Record<PageLang, Texts> = { EN: en, FR: fr, NL: nl, DE: de };

export function pageLang(v: string | null | undefined): PageLang {
  const up = (v ?? '').trim().toUpperCase();
  return up === 'FR' || up === 'NL' || up === 'DE' ? up : 'EN';
}

export function texts(lang: PageLang): Texts {
  return TEXTS[lang];
}

/** "3 documents" in the page's language (batch signing: shown when more than one document is signed). */
export function documentCount(t: Texts, n: number): string {
  return t.documentCount.replace('{n}', String(n));
}

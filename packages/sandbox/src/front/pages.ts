/** Server-rendered HTML of the user pages and the simulated app (no framework; a little inline JS for polling). */
import type { IdentificationSession, LocalizedText, Session, SignSession } from '../sessions.js';
import { documentCount, type PageLang, type Texts, texts } from './i18n.js';
import { iconSvg } from './icons.js';

/** JSON for a value placed inside a <script> block: `<` escaped, so `</script>` can never close it. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export function escapeHtml(v: unknown): string {
  return String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `
/* --tangerine is the brand accent (borders, the poka-yoke highlight, graphics: ≥ 3:1); text on a filled surface
   uses --tangerine-text, white on it is 5.2:1 (WCAG AA for normal text, axe-core color-contrast). */
:root{--tangerine:#FF4612;--tangerine-text:#C8370E;--ink:#1d1d1f;--muted:#5f6368;--line:#e6e6e6;--bg:#f6f6f4}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line);padding:14px 20px;display:flex;align-items:center;gap:10px}
.logo{min-width:40px;height:34px;padding:0 5px;border-radius:9px;background:var(--tangerine-text);color:#fff;font-weight:800;display:grid;place-items:center;font-size:11px;letter-spacing:-.3px}
.brand{font-weight:700}.tag{margin-left:auto;font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:99px;padding:2px 10px}
main{max-width:520px;margin:32px auto;padding:0 16px}
.card{background:#fff;border:1px solid var(--line);border-radius:16px;padding:24px;box-shadow:0 1px 2px rgba(0,0,0,.04);margin-bottom:16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:0 0 8px}p{margin:0 0 12px}.muted{color:var(--muted);font-size:14px}
label{display:block;font-weight:600;margin:12px 0 6px}
input[type=tel],input[type=text]{width:100%;font-size:18px;padding:12px 14px;border:1.5px solid #c9c9c9;border-radius:10px}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid rgba(255,70,18,.45);outline-offset:2px}
button,.button{display:inline-block;font:inherit;font-weight:700;border:0;border-radius:10px;padding:12px 20px;cursor:pointer;text-decoration:none}
.primary{background:var(--tangerine-text);color:#fff}.secondary{background:#fff;color:var(--ink);border:1.5px solid #c9c9c9}
.row{display:flex;gap:10px;flex-wrap:wrap;margin-top:16px}
.error{color:#b3261e;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0 0 12px}dt{color:var(--muted)}dd{margin:0;font-weight:600}
.poka{display:flex;gap:18px;justify-content:center;list-style:none;padding:0;margin:16px 0}
.poka li,.poka button{width:76px;height:76px;border-radius:18px;display:grid;place-items:center;color:#3c3c3c;background:#f1f1f1;border:2px solid transparent;padding:0}
.poka li.hl{color:#fff;background:var(--tangerine);box-shadow:0 0 0 4px rgba(255,70,18,.25)}
.poka button:hover{border-color:var(--tangerine)}
.spinner{width:22px;height:22px;border:3px solid #f3c3b4;border-top-color:var(--tangerine);border-radius:50%;animation:spin 1s linear infinite;display:inline-block;vertical-align:middle;margin-right:8px}
@keyframes spin{to{transform:rotate(360deg)}}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.count{font-weight:700}.phone{max-width:400px}.action{border-left:4px solid var(--tangerine)}
`;

export function layout(lang: PageLang, title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="${lang.toLowerCase()}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>
<header><div class="logo" aria-hidden="true">itsme</div><span class="brand">itsme® Sign</span><span class="tag">sandbox</span></header>
<main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** How many documents a batch signs; nothing for one document (the pages then look as without batch signing). */
function documentCountLine(t: Texts, s: SignSession): string {
  const n = s.documents.length;
  return n > 1
    ? `<p class="count" data-testid="document-count" data-count="${n}">${documentCount(t, n)}</p>`
    : '';
}

function pick(labels: LocalizedText[], lang: PageLang): string | undefined {
  return (labels.find((l) => l.lang === lang) ?? labels.find((l) => l.lang === 'EN') ?? labels[0])?.value;
}

/** Polls the session state and follows the redirect once the session has ended. */
function pollScript(token: string): string {
  return `(function(){var q=${scriptJson(token)};function tick(){fetch('/qes/session-state?q='+encodeURIComponent(q),{cache:'no-store'}).then(function(r){return r.json()}).then(function(s){if(s.redirectUrl){var m=document.getElementById('outcome');if(m&&s.message){m.textContent=s.message}setTimeout(function(){location.replace(s.redirectUrl)},300)}else{setTimeout(tick,1000)}}).catch(function(){setTimeout(tick,2000)})}tick()})();`;
}

export function phoneFormPage(lang: PageLang, s: IdentificationSession, error?: string): string {
  const t = texts(lang);
  return layout(
    lang,
    t.identifyTitle,
    `<div class="card"><h1>${t.identifyTitle}</h1><p>${t.identifyIntro}</p>
<form method="post" action="/qes/identify_yourself" data-testid="phone-form">
<input type="hidden" name="q" value="${escapeHtml(s.token)}"><input type="hidden" name="language" value="${lang}">
<label for="phone">${t.phoneLabel}</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required placeholder="+32470000001" data-testid="phone-input"${error ? ' aria-invalid="true" aria-describedby="phone-error"' : ''}>
${error ? `<p id="phone-error" class="error" role="alert" data-testid="phone-error">${escapeHtml(error)}</p>` : ''}
<p class="muted">${t.phoneHint}</p>
<div class="row"><button class="primary" type="submit" data-testid="phone-submit">${t.send}</button></div>
</form></div>`,
  );
}

function phoneLink(t: Texts, phone: string, lang: PageLang): string {
  return `<a class="button secondary" href="/phone?number=${encodeURIComponent(phone)}&amp;language=${lang}" target="_blank" rel="noopener" data-testid="open-phone">${t.openPhone}</a>`;
}

export function confirmPage(lang: PageLang, s: IdentificationSession): string {
  const t = texts(lang);
  return layout(
    lang,
    t.confirmTitle,
    `<div class="card" data-testid="identify-waiting"><h1>${t.confirmTitle}</h1>
<p>${s.action === 'CREATE_CERT' ? t.confirmCreateCert : t.confirmIdentify}</p>
<p role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span><span id="outcome">${t.waiting}</span></p>
<div class="row">${phoneLink(t, s.phone ?? '', lang)}</div></div>`,
    pollScript(s.token),
  );
}

export function signPage(lang: PageLang, s: SignSession, policyText: string | undefined): string {
  const t = texts(lang);
  const description = pick(s.description, lang);
  const role = pick(s.signerRole, lang);
  const icons = s.icons
    .map(
      (name, i) =>
        `<li data-testid="poka-icon-${i}" data-icon="${name}" data-index="${i}"${i === s.highlighted ? ' class="hl" data-highlighted="true"' : ''} aria-label="${name}${i === s.highlighted ? ` (${t.highlighted})` : ''}">${iconSvg(name)}${
          i === s.highlighted
            ? `<span class="sr-only" data-testid="poka-highlighted" data-index="${i}" data-icon="${name}">${t.highlighted}</span>`
            : ''
        }</li>`,
    )
    .join('');
  return layout(
    lang,
    t.signTitle,
    `<div class="card" data-testid="sign-page"><h1>${t.signTitle}</h1>${documentCountLine(t, s)}
<dl>${description ? `<dt>${t.document}</dt><dd data-testid="sign-description">${escapeHtml(description)}</dd>` : ''}
${role ? `<dt>${t.signerRole}</dt><dd data-testid="sign-role">${escapeHtml(role)}</dd>` : ''}
<dt>${t.policy}</dt><dd data-testid="sign-policy">${escapeHtml(policyText ?? s.signPolicyRef)}</dd></dl>
<p>${t.pokaIntro}</p><ol class="poka" data-testid="poka">${icons}</ol>
<p role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span><span id="outcome">${t.waiting}</span></p>
<div class="row">${phoneLink(t, s.phone, lang)}</div></div>`,
    pollScript(s.token),
  );
}

export function messagePage(lang: PageLang, message: string, status = 'info'): string {
  return layout(
    lang,
    'itsme®',
    `<div class="card" data-testid="message" data-status="${status}"><h1>${escapeHtml(message)}</h1></div>`,
  );
}

export function outcomeMessage(t: Texts, s: Session): string {
  if (s.state === 'rejected') return t.rejected;
  if (s.state === 'expired') return t.expired;
  if (s.state === 'not-allowed') return t.notAllowed;
  if (s.state === 'failed') return t.failed;
  return t.done;
}

export function phonePage(
  lang: PageLang,
  number: string,
  actions: Session[],
  partnerName: (s: Session) => string,
): string {
  const t = texts(lang);
  const list = actions
    .map((s) => {
      const title =
        s.kind === 'sign'
          ? s.documents.length > 1
            ? t.signActionBatch
            : t.signAction
          : s.action === 'CREATE_CERT'
            ? t.createCert
            : t.identify;
      const hidden = `<input type="hidden" name="q" value="${escapeHtml(s.token)}"><input type="hidden" name="number" value="${escapeHtml(number)}"><input type="hidden" name="language" value="${lang}">`;
      const detail =
        s.kind === 'sign'
          ? `${documentCountLine(t, s)}${pick(s.description, lang) ? `<p data-testid="action-description">${escapeHtml(pick(s.description, lang))}</p>` : ''}
<p class="muted">${t.pickIcon}</p>
<form method="post" action="/phone/act">${hidden}<div class="poka" role="group" aria-label="${t.pickIcon}">${s.icons
              .map(
                (name, i) =>
                  `<button type="submit" name="pick" value="${i}" data-testid="poka-icon-${i}" data-icon="${name}" aria-label="${name}">${iconSvg(name)}</button>`,
              )
              .join('')}</div></form>
<form method="post" action="/phone/act">${hidden}<div class="row"><button class="secondary" type="submit" name="action" value="reject" data-testid="action-reject">${t.reject}</button></div></form>`
          : `<form method="post" action="/phone/act">${hidden}<div class="row">
<button class="primary" type="submit" name="action" value="approve" data-testid="action-approve">${t.approve}</button>
<button class="secondary" type="submit" name="action" value="reject" data-testid="action-reject">${t.reject}</button></div></form>`;
      return `<section class="card action" data-testid="phone-action" data-kind="${s.kind === 'sign' ? 'SIGN' : s.action}" data-session="${escapeHtml(s.id)}">
<h2>${title}</h2><p class="muted">${t.requestedBy} <strong>${escapeHtml(partnerName(s))}</strong> · ${t.expiresIn} ${new Date(s.expiresAt).toLocaleTimeString('en-GB')}</p>${detail}</section>`;
    })
    .join('');
  const ids = scriptJson(actions.map((s) => s.id));
  return layout(
    lang,
    t.phoneTitle,
    `<div class="phone"><div class="card"><h1>${t.phoneTitle}</h1>
<form method="get" action="/phone"><label for="number">${t.phoneNumberLabel}</label>
<input id="number" name="number" type="tel" value="${escapeHtml(number)}" data-testid="phone-number"><input type="hidden" name="language" value="${lang}">
<div class="row"><button class="secondary" type="submit">${t.open}</button></div></form></div>
${number ? list || `<p class="muted" data-testid="no-actions">${t.noActions}</p>` : ''}</div>`,
    number
      ? `(function(){var ids=${ids};var n=${scriptJson(number)};setInterval(function(){fetch('/phone/actions?number='+encodeURIComponent(n),{cache:'no-store'}).then(function(r){return r.json()}).then(function(a){if(JSON.stringify(a.ids)!==JSON.stringify(ids))location.reload()}).catch(function(){})},1000)})();`
      : '',
  );
}

export function indexPage(links: { label: string; href: string }[]): string {
  return layout(
    'EN',
    'itsme® Sign sandbox',
    `<div class="card"><h1>itsme® Sign sandbox</h1><p>An offline simulator of the itsme® Sign B2B API, the user's pages and the app.</p>
<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul></div>`,
  );
}

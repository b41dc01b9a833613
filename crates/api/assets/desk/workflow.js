// The workflow panel inside the editor: submit for review, publish now,
// schedule (in the browser's time zone, UTC shown), unpublish, archive.
// Only the moves the server's policy and state machine allow for this role
// and status are offered (crates/domain/src/policy.rs, lifecycle.rs); the
// server checks again, and a refusal is explained with its message.

import { html, useRef, useState } from './preact.js';
import { post } from './api.js';
import { may, user } from './session.js';
import { Notice, StatusBadge, When } from './ui.js';

/** The status a reader would see now (a scheduled article whose time has come is published). */
export function liveStatus(article) {
  if (article.status === 'scheduled' && article.published_at && new Date(article.published_at) <= new Date()) return 'published';
  return article.status;
}

/** Whether the signed-in user is on the article's byline. */
export const isOwn = (article) => (article.authors || []).some((author) => author.id === (user() || {}).id);

/** The moves open to the signed-in user on `article`, in the order they are offered. */
export function legalMoves(article) {
  const status = liveStatus(article);
  const moves = [];
  if (status === 'draft' && (may('editOthers') || isOwn(article))) moves.push('submit');
  if (may('publish')) {
    if (['draft', 'in_review', 'scheduled'].includes(status)) moves.push('publish', 'schedule');
    if (['published', 'scheduled', 'archived'].includes(status)) moves.push('unpublish');
    if (status !== 'archived') moves.push('archive');
  }
  return moves;
}

const pad = (n) => String(n).padStart(2, '0');
/** `YYYY-MM-DDTHH:MM` of a date in the browser's zone (what datetime-local shows). */
const localInput = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
const utcText = (date) => `${date.toISOString().slice(0, date.getSeconds() ? 19 : 16).replace('T', ' ')} UTC`;
const ZONE = (() => { try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return ''; } })();

const DONE = {
  submit: 'Submitted for review.',
  publish: 'Published.',
  schedule: 'Scheduled.',
  unpublish: 'Unpublished: the article is a draft again.',
  archive: 'Archived.',
};
const NAMES = {
  submit: 'submit it for review',
  publish: 'publish it',
  schedule: 'schedule it',
  unpublish: 'unpublish it',
  archive: 'archive it',
};

/** Why the server refused, in words, with its own message. */
export function explain(error) {
  const said = error.message ? ` The server says: “${error.message}”.` : '';
  if (error.status === 409 && error.code === 'INVALID_TRANSITION') return `This move is not possible from the article’s current status.${said} The article has been reloaded.`;
  if (error.status === 409 || error.status === 412) return `Someone changed the article while you were acting on it, so nothing was done.${said} The article has been reloaded: check it and try again.`;
  if (error.status === 403) return `Your role may not do this.${said}`;
  if (error.status === 422) return `The server refused the request.${said}`;
  return `${error.title || 'Something went wrong'}.${said}`;
}

/**
 * The workflow panel. `article` is the stored article (GET document),
 * `dirty` whether the editor has unsaved changes, `onSaveFirst()` saves them
 * (resolves to the saved article, or null when the save failed) and
 * `onChanged()` reloads the article after a move (or a refusal).
 */
export function Workflow({ article, dirty, onSaveFirst, onChanged }) {
  const [at, setAt] = useState(() => localInput(new Date(Date.now() + 60 * 60 * 1000)));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(null); // { ok, text }
  const [pending, setPending] = useState(null); // a move waiting for "save first" or a confirmation
  const status = liveStatus(article);
  const moves = legalMoves(article);
  const when = at ? new Date(at) : null;
  const valid = when && !Number.isNaN(when.getTime());

  const run = async (move, version) => {
    setBusy(true);
    setOutcome(null);
    try {
      const path = `/admin/articles/${article.id}/${move === 'schedule' ? 'publish' : move}`;
      const body = move === 'schedule' ? { at: when.toISOString() } : undefined;
      const answer = await post(path, body, { ifMatch: version });
      const text = move === 'schedule' && answer.data.status === 'scheduled'
        ? `Scheduled for ${new Date(answer.data.published_at).toLocaleString()} (${utcText(new Date(answer.data.published_at))}).`
        : DONE[move];
      setOutcome({ ok: true, text: `${text} Now version ${answer.data.version}.` });
    } catch (error) {
      setOutcome({ ok: false, text: explain(error) });
    } finally {
      setBusy(false);
      onChanged();
    }
  };

  const trigger = useRef(null);
  // A question (save first, or confirm) takes the focus; "Cancel" gives it back.
  const ask = (question) => {
    trigger.current = document.activeElement;
    setPending(question);
    requestAnimationFrame(() => { const first = document.querySelector('.workflow .dialog button'); if (first) first.focus(); });
  };
  const cancel = () => {
    setPending(null);
    requestAnimationFrame(() => { if (trigger.current && trigger.current.isConnected) trigger.current.focus(); });
  };

  const start = async (move) => {
    setOutcome(null);
    if (dirty) { ask({ move, save: true }); return; }
    if (move === 'unpublish' || move === 'archive') { ask({ move, save: false }); return; }
    await run(move, article.version);
  };

  const saveThenRun = async () => {
    const { move } = pending;
    setPending(null);
    setBusy(true);
    const saved = await onSaveFirst();
    setBusy(false);
    if (saved) await run(move, saved.version);
  };

  const confirmed = async () => {
    const { move } = pending;
    setPending(null);
    await run(move, article.version);
  };

  const button = (move, text, extra = {}) => moves.includes(move) && html`<button type="button" disabled=${busy || (extra.needsTime && !valid)}
    class=${move === 'archive' || move === 'unpublish' ? 'secondary' : ''} onClick=${() => start(move)}>${text}</button>`;

  return html`<section class="workflow card" aria-labelledby="workflow-title">
    <h2 id="workflow-title">Workflow</h2>
    <p>Status: <${StatusBadge} status=${status} /> · version ${article.version}
      ${status === 'scheduled' && html` · goes out <${When} at=${article.published_at} />`}
      ${status === 'published' && article.published_at && html` · published <${When} at=${article.published_at} />`}
    </p>
    ${moves.length === 0 && html`<p class="muted">${may('publish') ? 'No workflow moves from this status.'
      : status === 'draft' ? 'Only the article’s authors and editors can submit it.' : 'An editor takes it from here.'}</p>`}
    <div class="actions">
      ${button('submit', 'Submit for review')}
      ${button('publish', 'Publish now')}
      ${button('unpublish', 'Unpublish')}
      ${button('archive', 'Archive')}
    </div>
    ${moves.includes('schedule') && html`<div class="schedule">
      <div class="field">
        <label for="schedule-at">Publish at (your time zone)</label>
        <input id="schedule-at" type="datetime-local" step="1" value=${at} aria-describedby="schedule-at-utc"
          onInput=${(event) => setAt(event.currentTarget.value)} />
      </div>
      <p class="schedule-utc" id="schedule-at-utc">${valid ? `= ${utcText(when)}` : 'Choose a date and time.'}${ZONE ? html`<br /><span class="muted">Your time zone: ${ZONE}</span>` : ''}
        ${valid && when <= new Date() ? html`<br />This time has passed: scheduling publishes now.` : ''}</p>
      ${button('schedule', status === 'scheduled' ? 'Reschedule' : 'Schedule', { needsTime: true })}
    </div>`}
    ${pending && pending.save && html`<div class="dialog" role="alertdialog" aria-labelledby="save-first-text">
      <p id="save-first-text">You have unsaved changes. Save them first, then ${NAMES[pending.move]}?</p>
      <div class="actions">
        <button type="button" onClick=${saveThenRun}>Save and continue</button>
        <button type="button" class="secondary" onClick=${cancel}>Cancel</button>
      </div>
    </div>`}
    ${pending && !pending.save && html`<div class="dialog" role="alertdialog" aria-labelledby="confirm-move-text">
      <p id="confirm-move-text">${pending.move === 'archive'
        ? 'Archive this article? Readers will no longer see it; it is kept for the record.'
        : 'Unpublish this article? Readers will no longer see it and it becomes a draft.'}</p>
      <div class="actions">
        <button type="button" class="danger" onClick=${confirmed}>${pending.move === 'archive' ? 'Yes, archive' : 'Yes, unpublish'}</button>
        <button type="button" class="secondary" onClick=${cancel}>Cancel</button>
      </div>
    </div>`}
    ${outcome && (outcome.ok ? html`<${Notice}>${outcome.text}</${Notice}>`
      : html`<div class="notice notice-error" role="alert"><p>${outcome.text}</p></div>`)}
  </section>`;
}

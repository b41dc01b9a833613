// My account (`#/account`): who is signed in, and changing the own password.
// The server checks the current password and the new one's length (422 at
// the field); a change ends every other session of the account.

import { html, useState } from './preact.js';
import { get } from './api.js';
import { changePassword, user } from './session.js';
import { ErrorSummary, Field, Loading, Notice, fieldError, useLoad } from './ui.js';

const ROLE_NAMES = { admin: 'Admin', editor: 'Editor', author: 'Author' };

/** The account screen. */
export function Account() {
  const me = useLoad(() => get('/auth/me').then((answer) => answer.data), []);
  const who = me.data || user();
  return html`<div class="account">
    <h1>My account</h1>
    <${ErrorSummary} error=${me.error} />
    ${!who ? html`<${Loading} />` : html`<dl class="facts">
      <dt>Name</dt><dd>${who.display_name}</dd>
      <dt>E-mail</dt><dd>${who.email}</dd>
      <dt>Role</dt><dd>${ROLE_NAMES[who.role] || who.role}</dd>
    </dl>`}
    <${ChangePassword} email=${who && who.email} />
  </div>`;
}

function ChangePassword({ email }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState(null);
  const [mismatch, setMismatch] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setDone(false);
    setError(null);
    if (next !== repeat) {
      setMismatch('The two new passwords are not the same.');
      return;
    }
    setMismatch('');
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const fields = error && error.fields;
  // A field error is shown at its field; the summary is for anything else (429, network…).
  const atFields = fields && (fields.current_password || fields.new_password);
  return html`<form class="card change-password" onSubmit=${submit} aria-labelledby="change-password-title">
    <h2 id="change-password-title">Change password</h2>
    ${done && html`<${Notice}>Your password is changed. Every other session of yours has been signed out; this one stays signed in.<//>`}
    ${error && !atFields && html`<${ErrorSummary} error=${error} />`}
    ${(mismatch || (error && atFields)) && html`<p class="error" role="alert">The password was not changed: see the fields below.</p>`}
    <input type="email" autocomplete="username" value=${email || ''} readonly hidden />
    <${Field} label="Current password" type="password" value=${current} onInput=${setCurrent}
      error=${fieldError(fields, 'current_password')} autocomplete="current-password" required />
    <${Field} label="New password" type="password" value=${next} onInput=${setNext} hint="At least 10 characters."
      error=${fieldError(fields, 'new_password')} autocomplete="new-password" required />
    <${Field} label="Repeat new password" type="password" value=${repeat} onInput=${setRepeat}
      error=${mismatch} autocomplete="new-password" required />
    <button type="submit" disabled=${busy}>${busy ? 'Changing…' : 'Change password'}</button>
  </form>`;
}

// Staff accounts (`#/users`, admins): the list, creating an account (the
// password the server generates is shown once), disabling or enabling one,
// changing its role, and resetting its password (a generated one, shown once;
// every login of the account ends).

import { html, useState } from './preact.js';
import { get, patch, post } from './api.js';
import * as session from './session.js';
import { Confirm, ErrorSummary, Field, Loading, Notice, Select, fieldError, useAction, useLoad } from './ui.js';

const ROLES = [
  { value: 'author', label: 'Author' },
  { value: 'editor', label: 'Editor' },
  { value: 'admin', label: 'Admin' },
];
const ROLE_NAMES = Object.fromEntries(ROLES.map((role) => [role.value, role.label]));

/** The users screen. */
export function Users() {
  const list = useLoad(() => get('/admin/users').then((answer) => answer.data.data), []);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState(null); // the user whose password is to be reset
  const [handOver, setHandOver] = useState(null); // { user, generated_password }
  const reset = async () => {
    setBusy(true);
    setNotice('');
    setFailure(null);
    try {
      const answer = await post(`/admin/users/${resetting.id}/password`);
      setHandOver(answer.data);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
      setResetting(null);
    }
  };
  const change = async (user, changes, done) => {
    setBusy(true);
    setNotice('');
    setFailure(null);
    try {
      const answer = await patch(`/admin/users/${user.id}`, changes);
      setNotice(done(answer.data));
      list.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="users">
    <h1>Users</h1>
    <${CreateUser} onCreated=${() => { setNotice(''); setFailure(null); list.reload(); }} />
    <h2>Accounts</h2>
    ${notice && html`<${Notice}>${notice}<//>`}
    ${resetting && html`<${Confirm} title=${`Reset the password of ${resetting.display_name}?`} confirmLabel="Yes, reset"
        busy=${busy} onConfirm=${reset} onCancel=${() => setResetting(null)}>
      <p>The server makes up a new password, shown here once, and signs ${resetting.display_name} out everywhere.</p>
    <//>`}
    ${handOver && html`<div class="notice notice-ok generated-password" role="status">
      <dl>
        <dt>New password for ${handOver.user.display_name} (shown once)</dt>
        <dd class="password-once">${handOver.generated_password}</dd>
      </dl>
      <p>Give it to ${handOver.user.display_name} now: it is not stored anywhere it can be shown again.</p>
      <button type="button" class="secondary small" onClick=${() => setHandOver(null)}>Hide password</button>
    </div>`}
    <${ErrorSummary} error=${failure || list.error} />
    ${list.loading && !list.data ? html`<${Loading} />` : list.data && html`<table class="user-list">
      <thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th>
        <th scope="col">Active</th><th scope="col">Actions</th></tr></thead>
      <tbody>${list.data.map((user) => html`<${UserRow} key=${user.id} user=${user} busy=${busy} change=${change}
        onReset=${() => { setHandOver(null); setResetting(user); }} />`)}</tbody>
    </table>`}
  </div>`;
}

function UserRow({ user, busy, change, onReset }) {
  const [role, setRole] = useState(user.role);
  const me = session.user();
  const self = me && me.id === user.id;
  return html`<tr class=${user.active ? '' : 'inactive'}>
    <th scope="row">${user.display_name}${self && html` <span class="muted">(you)</span>`}</th>
    <td>${user.email}</td>
    <td>
      <div class="inline-form">
        <${Select} label=${`Role of ${user.display_name}`} value=${role} options=${ROLES} onChange=${setRole} class="role-select" />
        <button type="button" class="secondary small" disabled=${busy || role === user.role}
          onClick=${() => change(user, { role }, (now) => `${now.display_name} is now an ${now.role}; they must sign in again.`)}>Change role</button>
      </div>
    </td>
    <td>${user.active ? 'Active' : html`<strong>Disabled</strong>`}</td>
    <td>
      ${user.active
        ? html`<button type="button" class="danger small" disabled=${busy}
            onClick=${() => change(user, { active: false }, (now) => `${now.display_name} is disabled and signed out everywhere.`)}>Disable</button>`
        : html`<button type="button" class="small" disabled=${busy}
            onClick=${() => change(user, { active: true }, (now) => `${now.display_name} may sign in again.`)}>Enable</button>`}
      ${!self && html`<button type="button" class="secondary small" disabled=${busy}
        aria-label=${`Reset password of ${user.display_name}`} onClick=${onReset}>Reset password</button>`}
    </td>
  </tr>`;
}

function CreateUser({ onCreated }) {
  const blank = { display_name: '', email: '', role: 'author', password: '' };
  const [form, setForm] = useState(blank);
  const { busy, error, act } = useAction();
  const [created, setCreated] = useState(null); // { user, generated_password }
  const set = (key) => (value) => setForm((now) => ({ ...now, [key]: value }));
  const submit = (event) => {
    event.preventDefault();
    setCreated(null);
    act(async () => {
      const body = { display_name: form.display_name, email: form.email.trim(), role: form.role };
      if (form.password !== '') body.password = form.password;
      const answer = await post('/admin/users', body);
      setCreated(answer.data);
      setForm(blank);
      onCreated();
    });
  };
  const fields = error && error.fields;
  return html`<section class="card create-user" aria-labelledby="create-user-title">
    <h2 id="create-user-title">Create user</h2>
    ${created && html`<div class="notice notice-ok" role="status">
      <p>Created ${created.user.display_name} (${created.user.email}) as ${ROLE_NAMES[created.user.role].toLowerCase()}.</p>
      ${created.generated_password && html`<div class="generated-password">
        <dl>
          <dt>Generated password (shown once)</dt>
          <dd class="password-once">${created.generated_password}</dd>
        </dl>
        <p>Give it to ${created.user.display_name} now: it is not stored anywhere it can be shown again.</p>
        <button type="button" class="secondary small" onClick=${() => setCreated({ ...created, generated_password: undefined })}>Hide password</button>
      </div>`}
    </div>`}
    <${ErrorSummary} error=${error} />
    <form onSubmit=${submit}>
      <div class="row">
        <${Field} label="Display name" value=${form.display_name} onInput=${set('display_name')} error=${fieldError(fields, 'display_name')} maxlength="80" required />
        <${Field} label="E-mail" type="email" value=${form.email} onInput=${set('email')} error=${fieldError(fields, 'email')} autocomplete="off" required />
      </div>
      <div class="row">
        <${Select} label="Role" value=${form.role} options=${ROLES} onChange=${set('role')} error=${fieldError(fields, 'role')} />
        <${Field} label="Password (optional)" type="password" value=${form.password} onInput=${set('password')}
          hint="At least 10 characters. Leave empty and the server makes one up, shown here once." error=${fieldError(fields, 'password')} autocomplete="new-password" />
      </div>
      <button type="submit" disabled=${busy}>${busy ? 'Creating…' : 'Create user'}</button>
    </form>
  </section>`;
}

// Sign in: e-mail and password. A wrong password, a disabled account and an
// unknown address get the same answer; a limit says when to try again.

import { html, useState } from './preact.js';
import { signIn } from './session.js';
import { ErrorSummary, Field } from './ui.js';

/** The sign-in form. */
export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-labelledby="signin-title">
    <h1 id="signin-title">Sign in to the desk</h1>
    <${ErrorSummary} error=${error} />
    <${Field} label="E-mail" type="email" value=${email} onInput=${setEmail} autocomplete="username" required />
    <${Field} label="Password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" required />
    <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
  </form>`;
}

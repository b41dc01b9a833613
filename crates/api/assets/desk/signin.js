// Sign in: e-mail and password. A wrong password, a disabled account and an
// unknown address get the same answer; a limit says when to try again.

import { html, useState } from './preact.js';
import { signIn } from './session.js';
import { ErrorSummary, Field, useAction } from './ui.js';

/** The sign-in form. */
export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, act } = useAction();
  const submit = (event) => {
    event.preventDefault();
    act(() => signIn(email.trim(), password));
  };
  return html`<form class="card" onSubmit=${submit} aria-labelledby="signin-title">
    <h1 id="signin-title">Sign in to the desk</h1>
    <${ErrorSummary} error=${error} />
    <${Field} label="E-mail" type="email" value=${email} onInput=${setEmail} autocomplete="username" required />
    <${Field} label="Password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" required />
    <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
  </form>`;
}

// Who is signed in. The access token lives in this module's memory only; the
// refresh token is an HttpOnly cookie the server sets on /api/v1/auth, which
// script never sees. A reload asks /auth/refresh (cookie + the custom header
// that is the CSRF defence) for a fresh access token.

import { configure, post, ApiError } from './api.js';

/** The header that asks for, and proves same-origin use of, the refresh cookie. */
const COOKIE_MODE = { 'X-Masthead-Refresh': 'cookie' };

let current = null; // { user, accessToken, expiresAt }
const listeners = new Set();
let renewing = null;
let timer = null;

function set(session) {
  current = session;
  clearTimeout(timer);
  if (session) {
    // Renew a minute before the access token expires (at least after 10 s).
    const wait = Math.max(10, session.expiresIn - 60) * 1000;
    timer = setTimeout(() => renew(), wait);
  }
  for (const listener of listeners) listener(current);
}

function accept(data) {
  set({ user: data.user, accessToken: data.access_token, expiresIn: data.expires_in });
  return data.user;
}

/** Renews the access token from the cookie; true when signed in again. */
export function renew() {
  if (!renewing) {
    renewing = post('/auth/refresh', undefined, { headers: COOKIE_MODE })
      .then((answer) => { accept(answer.data); return true; })
      .catch(() => { set(null); return false; })
      .finally(() => { renewing = null; });
  }
  return renewing;
}

configure({ token: () => current && current.accessToken, renew });

/** The signed-in user, or null. */
export const user = () => current && current.user;

/** Called with the session (or null) whenever it changes; returns an unsubscribe. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Signs in; throws ApiError (401 wrong password, 429 with retryAfter). */
export async function signIn(email, password) {
  const answer = await post('/auth/login', { email, password }, { headers: COOKIE_MODE });
  return accept(answer.data);
}

/** At start: a session from the cookie, if there is one. */
export async function restore() {
  try {
    return await renew();
  } catch (error) {
    if (error instanceof ApiError) return false;
    throw error;
  }
}

/** Signs out: the server revokes the login and clears the cookie. */
export async function signOut() {
  try {
    await post('/auth/logout', undefined, { headers: COOKIE_MODE });
  } finally {
    set(null);
  }
}

/** Changes the own password; the server answers a fresh session (other logins end). */
export async function changePassword(currentPassword, newPassword) {
  const answer = await post(
    '/auth/password',
    { current_password: currentPassword, new_password: newPassword },
    { headers: COOKIE_MODE },
  );
  return accept(answer.data);
}

/** What the role may do, as the server's policy says (the server checks again). */
export function may(action) {
  const role = current && current.user.role;
  const rules = {
    publish: ['admin', 'editor'],
    moderate: ['admin', 'editor'],
    manageTags: ['admin', 'editor'],
    manageUsers: ['admin'],
    editOthers: ['admin', 'editor'],
  };
  return Boolean(role && (rules[action] || []).includes(role));
}

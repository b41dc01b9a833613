// The desk starts here: restore the session from the refresh cookie, then
// draw the sign-in form or the shell (navigation + the screen the URL names).

import { html, render, useEffect, useState } from './preact.js';
import * as session from './session.js';
import { navigate, useRoute, mayLeave } from './router.js';
import { SignIn } from './signin.js';
import { ArticleList } from './articles.js';
import { Editor } from './editor.js';
import { History } from './history.js';
import { Replies } from './replies.js';
import { Users } from './users.js';
import { Tags } from './tags.js';
import { Account } from './account.js';
import { Loading } from './ui.js';

/** The screen for a route: `[component, props]`, or null when unknown. */
function screen(route) {
  const [first, second, third] = route.path;
  switch (first) {
    case 'articles':
      if (!second) return [ArticleList, { query: route.query }];
      if (second === 'new') return [Editor, { id: null }];
      if (third === 'history') return [History, { id: second, query: route.query }];
      return [Editor, { id: second }];
    case 'replies':
      return session.may('moderate') ? [Replies, { query: route.query }] : null;
    case 'users':
      return session.may('manageUsers') ? [Users, {}] : null;
    case 'tags':
      return session.may('manageTags') ? [Tags, {}] : null;
    case 'account':
      return [Account, {}];
    default:
      return null;
  }
}

function Navigation({ user, active }) {
  const links = [
    ['articles', 'Articles', true],
    ['replies', 'Replies', session.may('moderate')],
    ['tags', 'Tags', session.may('manageTags')],
    ['users', 'Users', session.may('manageUsers')],
    ['account', 'My account', true],
  ];
  const signOut = async () => {
    if (!mayLeave()) return;
    await session.signOut();
    navigate('/articles');
  };
  return html`<header class="shell-header">
    <a class="brand" href="#/articles">Masthead desk</a>
    <nav aria-label="Desk">
      <ul>
        ${links.filter(([, , shown]) => shown).map(([path, label]) => html`<li>
          <a href=${`#/${path}`} aria-current=${active === path ? 'page' : undefined}>${label}</a>
        </li>`)}
      </ul>
    </nav>
    <p class="who">${user.display_name} <span class="muted">(${user.role})</span></p>
    <button type="button" class="secondary" onClick=${signOut}>Sign out</button>
  </header>`;
}

function Desk() {
  const [state, setState] = useState({ ready: false, user: null });
  const route = useRoute();
  useEffect(() => {
    const stop = session.subscribe((now) => setState({ ready: true, user: now ? now.user : null }));
    session.restore().then(() => setState({ ready: true, user: session.user() }));
    return stop;
  }, []);
  if (!state.ready) return html`<main id="main"><${Loading} /></main>`;
  if (!state.user) return html`<main id="main" class="signin"><${SignIn} /></main>`;
  const found = screen(route);
  const [Screen, props] = found || [NotFound, {}];
  return html`<a class="skip" href="#main" onClick=${(event) => { event.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <${Navigation} user=${state.user} active=${route.path[0]} />
    <main id="main" tabindex="-1"><${Screen} key=${route.path.join('/')} ...${props} /></main>`;
}

function NotFound() {
  return html`<h1>Not here</h1><p>This screen does not exist or is not open to your role. <a href="#/articles">Back to the articles</a>.</p>`;
}

const root = document.getElementById('desk');
root.textContent = '';
render(html`<${Desk} />`, root);

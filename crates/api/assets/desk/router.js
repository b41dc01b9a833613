// Screens live in the URL's fragment (`/desk#/articles/…`), so the server
// serves one page and the back button, reloads and links all work.

import { useEffect, useState } from './preact.js';

/** The route now: `{ path: ['articles', '…'], query: URLSearchParams }`. */
export function current() {
  const hash = window.location.hash.replace(/^#/, '') || '/articles';
  const [path, search = ''] = hash.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

/** Goes to `#/…`. */
export function navigate(to) {
  window.location.hash = to;
}

/** A screen with unsaved changes sets `isDirty`; leaving then asks first. */
let isDirty = null;
export function setLeaveGuard(check) {
  isDirty = check;
}

/** Whether the user agrees to leave (asked only when there are unsaved changes). */
export function mayLeave() {
  return !(isDirty && isDirty()) || window.confirm('You have unsaved changes. Leave without saving?');
}

/** The current route, re-rendering on every change. */
export function useRoute() {
  const [route, setRoute] = useState(current());
  useEffect(() => {
    let last = window.location.hash;
    const changed = () => {
      if (window.location.hash !== last && !mayLeave()) {
        window.history.replaceState(null, '', last);
        return;
      }
      last = window.location.hash;
      setRoute(current());
    };
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

window.addEventListener('beforeunload', (event) => {
  if (isDirty && isDirty()) {
    event.preventDefault();
    event.returnValue = '';
  }
});

// Small pieces every screen uses: labelled fields that show the server's
// error for their path, an error summary, loading and time formatting.

import { html, useCallback, useEffect, useRef, useState } from './preact.js';

let nextId = 0;
/** A unique id for label/input pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++nextId}`;

/**
 * A labelled input (or textarea with `multiline`). `error` is the server's
 * message for this field; it is announced and linked to the input.
 */
export function Field({ id, label, value, onInput, error, hint, multiline = false, type = 'text', ...rest }) {
  const [own] = useState(() => id || uid());
  const describedBy = [hint && `${own}-hint`, error && `${own}-error`].filter(Boolean).join(' ') || undefined;
  const props = {
    id: own,
    value: value ?? '',
    onInput: (event) => onInput(event.currentTarget.value),
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': describedBy,
    ...rest,
  };
  return html`<div class=${`field${error ? ' field-error' : ''}`}>
    <label for=${own}>${label}</label>
    ${hint && html`<p class="hint" id=${`${own}-hint`}>${hint}</p>`}
    ${multiline ? html`<textarea ...${props}></textarea>` : html`<input type=${type} ...${props} />`}
    ${error && html`<p class="error" id=${`${own}-error`}>${error}</p>`}
  </div>`;
}

/** A labelled select of `options` (`[{ value, label }]`). */
export function Select({ id, label, value, options, onChange, error, ...rest }) {
  const [own] = useState(() => id || uid());
  return html`<div class=${`field${error ? ' field-error' : ''}`}>
    <label for=${own}>${label}</label>
    <select id=${own} value=${value} onChange=${(event) => onChange(event.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${own}-error` : undefined} ...${rest}>
      ${options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
    </select>
    ${error && html`<p class="error" id=${`${own}-error`}>${error}</p>`}
  </div>`;
}

/** A labelled checkbox. */
export function Checkbox({ label, checked, onChange, ...rest }) {
  const [own] = useState(() => uid());
  return html`<div class="field checkbox">
    <input type="checkbox" id=${own} checked=${checked} onChange=${(event) => onChange(event.currentTarget.checked)} ...${rest} />
    <label for=${own}>${label}</label>
  </div>`;
}

/** "Try again in 2 minutes" from Retry-After seconds. */
export function retryText(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** What went wrong, said once at the top of a form (fields show their own). */
export function ErrorSummary({ error }) {
  if (!error) return null;
  const fields = Object.entries(error.fields || {});
  return html`<div class="notice notice-error" role="alert">
    <p><strong>${error.title || 'Something went wrong'}</strong>${error.message && error.message !== error.title ? ` — ${error.message}` : ''}</p>
    ${error.retryAfter != null && html`<p>${retryText(error.retryAfter)}</p>`}
    ${fields.length > 0 && html`<ul>${fields.map(([field, message]) => html`<li><code>${field}</code>: ${message}</li>`)}</ul>`}
  </div>`;
}

/** A short message that something worked (announced politely). */
export function Notice({ children, kind = 'ok' }) {
  return html`<div class=${`notice notice-${kind}`} role="status">${children}</div>`;
}

/** The error for `path` among `fields`, or one for a path inside it. */
export function fieldError(fields, path) {
  if (!fields) return undefined;
  if (fields[path]) return fields[path];
  const inside = Object.keys(fields).find((key) => key.startsWith(`${path}.`) || key.startsWith(`${path}[`));
  return inside ? fields[inside] : undefined;
}

/** A date-time in the browser's zone, with UTC in the tooltip. */
export function When({ at }) {
  if (!at) return html`<span class="muted">—</span>`;
  const date = new Date(at);
  return html`<time datetime=${at} title=${`${date.toISOString().replace('.000', '')} (UTC)`}>${date.toLocaleString()}</time>`;
}

/** Loads with `load()` now and on `reload()`: `{ data, error, loading, reload }`. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((before) => ({ ...before, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => { live = false; };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/**
 * A form's or button's request: `act(work)` runs `work` with `busy` set and
 * keeps what it threw in `error` (cleared when it starts again); it answers
 * what `work` answered, or `undefined` when that failed.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const act = async (work) => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, act };
}

/** Shown while a screen loads. */
export const Loading = () => html`<p class="loading" role="status">Loading…</p>`;

/** The names of article statuses, as the list tabs and badges say them. */
export const STATUS_NAMES = {
  draft: 'Draft',
  in_review: 'In review',
  scheduled: 'Scheduled',
  published: 'Published',
  archived: 'Archived',
};

/** A status badge. */
export const StatusBadge = ({ status }) => html`<span class=${`badge badge-${status}`}>${STATUS_NAMES[status] || status}</span>`;

/**
 * An in-page confirmation (not `window.confirm`): focus goes to it, Escape
 * cancels, and focus returns to where it was when it closes.
 */
export function Confirm({ title, children, confirmLabel, onConfirm, onCancel, busy = false, danger = true }) {
  const [id] = useState(() => uid('confirm'));
  const box = useRef(null);
  useEffect(() => {
    const before = document.activeElement;
    const first = box.current && box.current.querySelector('button');
    if (first) first.focus();
    return () => { if (before && document.contains(before)) before.focus(); };
  }, []);
  const keys = (event) => { if (event.key === 'Escape') { event.preventDefault(); onCancel(); } };
  return html`<div class="dialog" role="alertdialog" aria-labelledby=${`${id}-t`} aria-describedby=${`${id}-d`} ref=${box} onKeyDown=${keys}>
    <p class="dialog-title" id=${`${id}-t`}><strong>${title}</strong></p>
    <div id=${`${id}-d`}>${children}</div>
    <div class="actions">
      <button type="button" class=${danger ? 'danger' : ''} disabled=${busy} onClick=${onConfirm}>${confirmLabel}</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${onCancel}>Cancel</button>
    </div>
  </div>`;
}

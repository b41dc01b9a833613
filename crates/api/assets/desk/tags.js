// Tags (`#/tags`, editors and admins): every tag with its slug and how many
// public articles carry it, creating one, renaming one in place and deleting
// one after an in-page confirmation. The list comes from the public
// `GET /tags` (there is no admin list); it is asked past the HTTP cache so a
// change shows at once.

import { html, useEffect, useRef, useState } from './preact.js';
import { del, get, post, put, query } from './api.js';
import { Confirm, ErrorSummary, Field, Loading, Notice, fieldError, useAction, useLoad } from './ui.js';

const FRESH = { headers: { 'Cache-Control': 'no-cache' } };

async function allTags() {
  const tags = [];
  let cursor = '';
  for (let page = 0; page < 50; page += 1) {
    const answer = await get(`/tags${query({ limit: 100, cursor })}`, FRESH);
    tags.push(...answer.data.data);
    cursor = answer.data.next_cursor;
    if (!cursor) break;
  }
  return tags.sort((a, b) => a.name.localeCompare(b.name));
}

/** The tags screen. */
export function Tags() {
  const list = useLoad(allTags, []);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [busy, setBusy] = useState(false);
  const done = (text) => { setNotice(text); setFailure(null); list.reload(); };
  const remove = async () => {
    setBusy(true);
    setNotice('');
    setFailure(null);
    try {
      await del(`/admin/tags/${deleting.id}`);
      done(`Deleted the tag “${deleting.name}”.`);
    } catch (error) {
      setFailure(error);
    } finally {
      setDeleting(null);
      setBusy(false);
    }
  };
  return html`<div class="tags">
    <h1>Tags</h1>
    <${CreateTag} onCreated=${(tag) => done(`Created the tag “${tag.name}” (${tag.slug}).`)} />
    <h2>All tags</h2>
    ${notice && html`<${Notice}>${notice}<//>`}
    <${ErrorSummary} error=${failure || list.error} />
    ${deleting && html`<${Confirm} title=${`Delete the tag “${deleting.name}”?`} confirmLabel="Yes, delete" busy=${busy}
        onConfirm=${remove} onCancel=${() => setDeleting(null)}>
      <p>${deleting.article_count === 1 ? 'One public article carries it' : `${deleting.article_count} public articles carry it`};
        every article filed under it loses it. This cannot be undone.</p>
    <//>`}
    ${list.loading && !list.data ? html`<${Loading} />` : list.data && (list.data.length === 0 ? html`<p>No tags yet.</p>` : html`
      <table class="tag-list">
        <thead><tr><th scope="col">Name</th><th scope="col">Slug</th><th scope="col">Public articles</th><th scope="col">Actions</th></tr></thead>
        <tbody>${list.data.map((tag) => html`<${TagRow} key=${tag.id} tag=${tag} busy=${busy}
          onRenamed=${(now) => done(`Renamed “${tag.name}” to “${now.name}”.`)} onDelete=${() => { setNotice(''); setDeleting(tag); }} />`)}</tbody>
      </table>`)}
  </div>`;
}

function TagRow({ tag, busy, onRenamed, onDelete }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(tag.name);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const save = async (event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      // PUT replaces the tag: the slug and description go back unchanged.
      const answer = await put(`/admin/tags/${tag.id}`, { name, slug: tag.slug, description: tag.description });
      setRenaming(false);
      onRenamed(answer.data);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };
  const opened = useRef(false);
  useEffect(() => {
    // Focus follows: into the name field when renaming starts, back to "Rename" when it ends.
    const target = document.getElementById(renaming ? `rename-${tag.id}` : `rename-button-${tag.id}`);
    if (target && (renaming || opened.current)) target.focus();
    opened.current = renaming;
  }, [renaming]);
  const cancel = () => { setRenaming(false); setName(tag.name); setError(null); };
  const fields = error && error.fields;
  const other = error && !fieldError(fields, 'name') ? error : null;
  return html`<tr>
    <th scope="row">${renaming ? html`<form class="inline-form" onSubmit=${save}>
        <${Field} id=${`rename-${tag.id}`} label=${`New name for ${tag.name}`} value=${name} onInput=${setName} maxlength="100" required
          error=${fieldError(fields, 'name') || (other && (other.fields.slug || other.message))} onKeyDown=${(event) => { if (event.key === 'Escape') cancel(); }} />
        <div class="actions">
          <button type="submit" disabled=${saving}>Save name</button>
          <button type="button" class="secondary" onClick=${cancel}>Cancel</button>
        </div>
      </form>` : tag.name}</th>
    <td><code>${tag.slug}</code></td>
    <td>${tag.article_count}</td>
    <td><div class="actions">
      ${!renaming && html`<button type="button" id=${`rename-button-${tag.id}`} class="secondary small" disabled=${busy} onClick=${() => setRenaming(true)}>Rename</button>`}
      <button type="button" class="danger small" disabled=${busy} onClick=${onDelete}>Delete</button>
    </div></td>
  </tr>`;
}

function CreateTag({ onCreated }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const { busy, error, act } = useAction();
  const submit = (event) => {
    event.preventDefault();
    act(async () => {
      const body = { name };
      if (slug.trim() !== '') body.slug = slug.trim();
      const answer = await post('/admin/tags', body);
      setName('');
      setSlug('');
      onCreated(answer.data);
    });
  };
  const fields = error && error.fields;
  // Without a slug of its own the server makes one from the name: a clash is then the name's.
  const made = slug.trim() === '' && fieldError(fields, 'slug');
  return html`<form class="card create-tag" onSubmit=${submit} aria-labelledby="create-tag-title">
    <h2 id="create-tag-title">Create tag</h2>
    <${ErrorSummary} error=${error} />
    <div class="row">
      <${Field} label="Name" value=${name} onInput=${setName} maxlength="100" required
        error=${fieldError(fields, 'name') || (made && `The slug made from this name ${made}.`)} />
      <${Field} label="Slug (optional)" value=${slug} onInput=${setSlug} hint="Lower-case words joined by hyphens; made from the name when empty."
        error=${made ? undefined : fieldError(fields, 'slug')} maxlength="120" />
    </div>
    <button type="submit" disabled=${busy}>${busy ? 'Creating…' : 'Create tag'}</button>
  </form>`;
}

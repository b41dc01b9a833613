// The article editor (`#/articles/new`, `#/articles/{id}`): the whole content
// model, saving with the version it started from, the conflict screen when
// someone saved in between, the preview beside the form and the workflow
// panel. Server validation errors are shown at the fields they name.

import { html, useEffect, useMemo, useRef, useState } from './preact.js';
import { get, post, put, query } from './api.js';
import { may, user } from './session.js';
import { navigate, setLeaveGuard } from './router.js';
import { ErrorSummary, Field, Loading, Notice, Select, fieldError } from './ui.js';
import { Sections, newSection, sectionsFromDoc, sectionsWrite } from './sections.js';
import { Preview } from './preview.js';
import { Conflict, loadConflict, reapply } from './conflict.js';
import { Workflow, isOwn } from './workflow.js';

const FOLD = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };

/** A slug from a title: lower-case ASCII letters and digits, single hyphens. */
export function slugify(title) {
  const slug = (title || '').toLowerCase().replace(/[ßæœøłđþ]/g, (c) => FOLD[c]).normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/['’]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= 120) return slug;
  const cut = slug.slice(0, 120);
  return (cut.includes('-') ? cut.slice(0, cut.lastIndexOf('-')) : cut).replace(/-+$/, '');
}

const orNull = (text) => (text && text.trim() ? text.trim() : null);
const UNPUBLISHED = ['draft', 'in_review'];

/** The editor's model of a GET document (or of a new article when `doc` is null). */
function toModel(doc) {
  const me = user();
  if (!doc) {
    return { title: '', slug: '', slugFollows: true, standfirst: '', reply_policy: 'moderated',
      authors: me ? [{ id: me.id, display_name: me.display_name }] : [], tags: [],
      image: { url: '', alt: '', caption: '', media_id: null, libraryUrl: null }, sections: [newSection(true)] };
  }
  const image = doc.feature_image;
  return {
    title: doc.title || '',
    slug: doc.slug || '',
    // An article never published keeps following its title while the slug is the title's.
    slugFollows: UNPUBLISHED.includes(doc.status) && !doc.published_at && doc.slug === slugify(doc.title),
    standfirst: doc.standfirst || '',
    reply_policy: doc.reply_policy || 'moderated',
    authors: (doc.authors || []).map(({ id, display_name }) => ({ id, display_name })),
    tags: (doc.tags || []).map(({ id, name }) => ({ id, name })),
    image: image
      ? { url: image.url || '', alt: image.alt || '', caption: image.caption || '', media_id: image.media_id || null, libraryUrl: image.media_id ? image.url : null }
      : { url: '', alt: '', caption: '', media_id: null, libraryUrl: null },
    sections: sectionsFromDoc(doc.sections),
  };
}

/** The keys of `old` kept on the same sections and blocks of `next` (focus and inputs stay put). */
function keepKeys(next, old) {
  next.sections.forEach((section, si) => {
    const was = old.sections[si];
    if (!was || (was.id && was.id !== section.id)) return;
    section.k = was.k;
    section.blocks.forEach((block, bi) => {
      const before = was.blocks[bi];
      if (before && before.type === block.type && (!before.id || before.id === block.id)) block.k = before.k;
    });
  });
  return next;
}

function imageWrite(image) {
  if (![image.url, image.alt, image.caption].some((text) => text.trim())) return null;
  if (image.media_id && image.url === image.libraryUrl) return { media_id: image.media_id, alt: orNull(image.alt), caption: orNull(image.caption) };
  return { url: orNull(image.url), alt: orNull(image.alt), caption: orNull(image.caption) };
}

/** The document PUT/POST take, and the map of sent block paths to the editor's. */
function toWrite(model, doc) {
  const { sections, paths } = sectionsWrite(model.sections);
  return {
    body: {
      // A new article whose slug follows its title lets the server make it (unique, transliterated).
      title: model.title, slug: !doc && model.slugFollows ? null : orNull(model.slug), standfirst: orNull(model.standfirst),
      authors: model.authors.map((author) => author.id), tags: model.tags.map((tag) => tag.id),
      reply_policy: model.reply_policy, seo: doc ? doc.seo ?? null : null, feature_image: imageWrite(model.image), sections,
    },
    paths,
  };
}

/** The server's error with its block paths mapped back to the editor's blocks. */
function mapFields(error, paths) {
  const fields = {};
  for (const [field, message] of Object.entries(error.fields || {})) {
    const match = /^sections\[\d+\]\.blocks\[\d+\]/.exec(field);
    const mapped = match && paths[match[0]] ? paths[match[0]] + field.slice(match[0].length) : field;
    fields[mapped === 'feature_image' ? 'feature_image.url' : mapped] = message;
  }
  error.fields = fields;
  return error;
}

/** What the preview shows: the model in the GET document's shape. */
const previewDoc = (model) => ({
  ...model,
  feature_image: model.image.url ? model.image : null,
  sections: model.sections.map((section) => ({
    heading: section.heading, icon: section.icon,
    blocks: section.blocks.map((block) => (block.raw ? block.raw
      : block.type === 'list' ? { ...block, items: block.items.split('\n').filter((line) => line.trim()) } : block)),
  })),
});

/** Every page of a public list (tags). */
async function everything(path) {
  const all = [];
  let cursor = null;
  for (let page = 0; page < 20; page += 1) {
    const { data } = await get(`${path}${query({ limit: 100, cursor })}`);
    all.push(...data.data);
    cursor = data.next_cursor;
    if (!cursor) break;
  }
  return all;
}

/** A list of chosen people or tags, with "remove" and a select to add one. */
function Picker({ legend, chosen, pool, onChange, error, addLabel, addText, what, hint, children }) {
  const [choice, setChoice] = useState('');
  const left = pool.filter((item) => !chosen.some((c) => c.id === item.id));
  const add = () => {
    const item = left.find((candidate) => candidate.id === choice);
    if (item) { onChange([...chosen, item]); setChoice(''); }
  };
  return html`<fieldset class=${`picker${error ? ' field-error' : ''}`}>
    <legend>${legend}</legend>
    ${hint && html`<p class="hint">${hint}</p>`}
    ${chosen.length === 0 ? html`<p class="muted">None yet.</p>` : html`<ul class="chosen">
      ${chosen.map((item, i) => html`<li key=${item.id}>${item.label}${what === 'tags' && i === 0 ? ' (primary)' : ''}
        <button type="button" class="link" aria-label=${`Remove ${item.label} from ${what}`}
          onClick=${() => onChange(chosen.filter((c) => c.id !== item.id))}>Remove</button></li>`)}
    </ul>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="row picker-add">
      <${Select} label=${addLabel} value=${choice} onChange=${setChoice}
        options=${[{ value: '', label: left.length ? 'Choose…' : 'Nothing more to add' }, ...left.map((item) => ({ value: item.id, label: item.label }))]} />
      <button type="button" class="secondary" disabled=${!choice} onClick=${add}>${addText}</button>
    </div>
    ${children}
  </fieldset>`;
}

/** Creates a tag inline (editors and admins) and adds it. */
function NewTag({ onCreated }) {
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const create = async () => {
    setError(null);
    try {
      const { data } = await post('/admin/tags', { name: name.trim() });
      onCreated({ id: data.id, name: data.name });
      setName('');
    } catch (failure) {
      setError(fieldError(failure.fields, 'name') || fieldError(failure.fields, 'slug') || failure.message);
    }
  };
  return html`<div class="row picker-add">
    <${Field} label="New tag name" value=${name} onInput=${setName} error=${error} />
    <button type="button" class="secondary" disabled=${!name.trim()} onClick=${create}>Create tag</button>
  </div>`;
}

let flash = null; // "Saved, version 1" carried over from a new article to its own address

/** The editor screen; `id` null is a new article. */
export function Editor({ id }) {
  const [doc, setDoc] = useState(null); // the stored article (GET document) the model is based on
  const [version, setVersion] = useState(null);
  const [model, setModel] = useState(() => (id ? null : toModel(null)));
  const [base, setBase] = useState(model);
  const [loadError, setLoadError] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(() => { const text = flash; flash = null; return text; });
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState(null);
  const [preview, setPreview] = useState(false);
  const [authorPool, setAuthorPool] = useState([]);
  const [tagPool, setTagPool] = useState([]);

  const written = useMemo(() => model && JSON.stringify(toWrite(model, doc).body), [model, doc]);
  const baseWritten = useMemo(() => base && JSON.stringify(toWrite(base, doc).body), [base, doc]);
  const dirty = Boolean(model && base && written !== baseWritten);
  const guard = useRef({ dirty: false, leaving: false });
  guard.current.dirty = dirty;

  useEffect(() => {
    setLeaveGuard(() => guard.current.dirty && !guard.current.leaving);
    return () => setLeaveGuard(null);
  }, []);

  const adopt = (article, keepFrom) => {
    const next = toModel(article);
    if (keepFrom) keepKeys(next, keepFrom);
    setDoc(article);
    setVersion(article.version);
    setModel(next);
    setBase(next);
  };

  const load = async (keep) => {
    try {
      const { data } = await get(`/admin/articles/${id}`);
      if (keep && guard.current.dirty) setDoc(data); // keep my changes (and the version they are based on)
      else adopt(data, keep);
      setLoadError(null);
    } catch (failure) {
      setLoadError(failure);
    }
  };

  useEffect(() => { if (id) load(null); }, [id]);
  useEffect(() => {
    // Everyone who may stand on a byline: the active staff, for every role.
    get('/admin/bylines').then(({ data }) => setAuthorPool(data.data), () => setAuthorPool([user()]));
    everything('/tags').then(setTagPool, () => setTagPool([]));
  }, []);

  const save = async () => {
    if (busy || conflict) return null;
    if (id && !dirty) { setNotice(`Nothing to save: no changes since version ${version}.`); return doc; }
    const focused = document.activeElement;
    setBusy(true);
    setError(null);
    setNotice(null);
    const { body, paths } = toWrite(model, doc);
    try {
      if (!id) {
        const { data } = await post('/admin/articles', body);
        flash = `Saved, version ${data.version}`;
        guard.current.leaving = true;
        navigate(`/articles/${data.id}`);
        return data;
      }
      const { data } = await put(`/admin/articles/${id}`, body, { ifMatch: version });
      adopt(data, model);
      setNotice(`Saved, version ${data.version}`);
      return data;
    } catch (failure) {
      if (failure.status === 412 || (failure.status === 409 && failure.code === 'VERSION_CONFLICT')) openConflict();
      else setError(mapFields(failure, paths));
      return null;
    } finally {
      setBusy(false);
      // The form is disabled while saving; give the focus back where it was.
      requestAnimationFrame(() => { if (focused && focused.isConnected && !focused.disabled) focused.focus(); });
    }
  };

  const openConflict = async () => {
    setConflict({ loading: true });
    try {
      setConflict(await loadConflict(id, version));
    } catch (failure) {
      setConflict({ error: failure });
    }
  };
  const takeTheirs = () => {
    adopt(conflict.theirs, null);
    setConflict(null);
    setNotice(`You now have their version ${conflict.theirs.version}; your changes were discarded.`);
  };
  const reapplyMine = () => {
    const theirs = toModel(conflict.theirs);
    const merged = reapply(base, model, theirs);
    setDoc(conflict.theirs);
    setVersion(conflict.theirs.version);
    setBase(theirs);
    setModel(merged);
    setConflict(null);
    setNotice(`Your changes are applied on top of version ${conflict.theirs.version}. Review them, then save.`);
  };

  if (loadError) return html`<h1>Edit article</h1><${ErrorSummary} error=${loadError} /><p><a href="#/articles">Back to the articles</a></p>`;
  if (!model) return html`<h1>Edit article</h1><${Loading} />`;

  const editable = !doc || may('editOthers') || (isOwn(doc) && UNPUBLISHED.includes(doc.status));
  const fields = error ? error.fields : {};
  const set = (key) => (value) => setModel((m) => ({ ...m, [key]: value }));
  const setTitle = (title) => setModel((m) => ({ ...m, title, slug: m.slugFollows ? slugify(title) : m.slug }));
  const setImage = (key) => (value) => setModel((m) => ({ ...m, image: { ...m.image, [key]: value } }));
  const onKeyDown = (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') { event.preventDefault(); if (editable && dirty) save(); }
  };

  return html`<div class="editor-screen" onKeyDown=${onKeyDown}>
    <h1>${id ? 'Edit article' : 'New article'}</h1>
    <p class="editor-links"><a href="#/articles">All articles</a>${id && html` · <a href=${`#/articles/${id}/history`}>History</a>`}</p>
    <${ErrorSummary} error=${error} />
    ${!editable && html`<${Notice} kind="error">You can read this article but not change it: authors may edit only their own articles, and only before publication.</${Notice}>`}
    ${conflict && html`<${Conflict} conflict=${conflict} base=${doc} mine=${model} onTakeTheirs=${takeTheirs} onReapply=${reapplyMine} onRetry=${openConflict} />`}
    <div class="editor-bar">
      <button type="button" onClick=${save} disabled=${!!conflict || !editable} aria-disabled=${busy ? 'true' : undefined}>${busy ? 'Saving…' : 'Save'}</button>
      <button type="button" class="secondary" aria-controls="editor-grid" onClick=${() => setPreview((shown) => !shown)}>${preview ? 'Hide preview' : 'Show preview'}</button>
      <span class="muted" role="status">${dirty ? 'Unsaved changes' : id ? `Version ${version}, no unsaved changes` : ''}</span>
      ${notice && html`<${Notice}>${notice}</${Notice}>`}
    </div>
    ${doc && !conflict && html`<${Workflow} article=${doc} dirty=${dirty} onSaveFirst=${save} onChanged=${() => { setNotice(null); load(model); }} />`}
    <div id="editor-grid" class=${preview ? 'editor with-preview' : 'editor'}>
      <fieldset class="editor-form" disabled=${!editable || busy || !!conflict}>
        <legend class="sr-only">Article</legend>
        <${Field} label="Title" value=${model.title} onInput=${setTitle} error=${fieldError(fields, 'title')} required />
        <${Field} label="Standfirst" multiline value=${model.standfirst} onInput=${set('standfirst')} error=${fieldError(fields, 'standfirst')}
          hint="The summary under the headline." />
        <${Field} label="Slug" value=${model.slug} error=${fieldError(fields, 'slug')}
          onInput=${(slug) => setModel((m) => ({ ...m, slug, slugFollows: false }))}
          hint=${model.slugFollows ? `Follows the title until you edit it${id ? '' : ' (the server makes the final one, unique, when you save)'}. Lower-case letters, digits and hyphens.`
            : 'Lower-case letters, digits and hyphens; empty makes one from the title.'} />
        <${Picker} legend="Byline" what="byline" chosen=${model.authors.map((a) => ({ ...a, label: a.display_name }))}
          pool=${authorPool.map((p) => ({ id: p.id, display_name: p.display_name, label: p.display_name }))}
          onChange=${(list) => set('authors')(list.map(({ id: authorId, display_name }) => ({ id: authorId, display_name })))}
          error=${fieldError(fields, 'authors')} addLabel="Author to add" addText="Add author" />
        <${Picker} legend="Tags" what="tags" chosen=${model.tags.map((t) => ({ ...t, label: t.name }))}
          pool=${tagPool.map((t) => ({ id: t.id, name: t.name, label: t.name }))}
          onChange=${(list) => set('tags')(list.map(({ id: tagId, name }) => ({ id: tagId, name })))}
          error=${fieldError(fields, 'tags')} addLabel="Tag to add" addText="Add tag" hint="The first tag is the primary one.">
          ${may('manageTags') && html`<${NewTag} onCreated=${(tag) => { setTagPool((pool) => [...pool, tag]); setModel((m) => ({ ...m, tags: [...m.tags, tag] })); }} />`}
        </${Picker}>
        <fieldset class="picker">
          <legend>Feature image</legend>
          ${model.image.media_id && model.image.url === model.image.libraryUrl && html`<p class="hint">An image from the media library. Replace the URL to use another image.</p>`}
          <${Field} label="Feature image URL" type="url" value=${model.image.url} onInput=${setImage('url')} error=${fieldError(fields, 'feature_image.url') || fieldError(fields, 'feature_image.media_id')} />
          <${Field} label="Feature image alt text" value=${model.image.alt} onInput=${setImage('alt')} error=${fieldError(fields, 'feature_image.alt')}
            hint="What the image shows, for people who cannot see it (required with a URL)." />
          <${Field} label="Feature image caption" value=${model.image.caption} onInput=${setImage('caption')} error=${fieldError(fields, 'feature_image.caption')} />
        </fieldset>
        <${Select} label="Reply policy" value=${model.reply_policy} onChange=${set('reply_policy')} error=${fieldError(fields, 'reply_policy')}
          options=${[{ value: 'open', label: 'Open: replies appear at once' }, { value: 'moderated', label: 'Moderated: replies wait for approval' }, { value: 'closed', label: 'Closed: no replies' }]} />
        <h2>Sections</h2>
        ${fields.sections && html`<p class="error">${fields.sections}</p>`}
        <${Sections} sections=${model.sections} onChange=${set('sections')} fields=${fields} />
      </fieldset>
      ${preview && html`<${Preview} article=${previewDoc(model)} />`}
    </div>
  </div>`;
}

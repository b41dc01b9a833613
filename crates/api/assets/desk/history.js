// An article's history (`#/articles/{id}/history?from=1&to=3&view=2`): the
// revisions with who saved them and when, what changed between any two (the
// server's revision diff, with a word diff inside changed blocks), one
// revision whole, and restoring a revision after an in-page confirmation.

import { html, useState } from './preact.js';
import { get, post, query } from './api.js';
import { navigate } from './router.js';
import { Block } from './preview.js';
import { DiffView } from './diff.js';
import { Confirm, ErrorSummary, Loading, Notice, Select, When, useLoad } from './ui.js';

// ---- the screen ----

const KINDS = { create: 'Created', update: 'Edited', restore: 'Restored' };
/** Who saved a revision: a name, or why there is none. */
const savedBy = (revision) => (revision.saved_by ? revision.saved_by.display_name : revision.saved_by_id ? 'a deleted account' : 'the system');

/** Every revision (the API pages them, oldest first). */
async function allRevisions(id) {
  const revisions = [];
  let cursor = '';
  for (let page = 0; page < 50; page += 1) {
    const answer = await get(`/admin/articles/${id}/revisions${query({ limit: 100, cursor })}`);
    revisions.push(...answer.data.data);
    cursor = answer.data.next_cursor;
    if (!cursor) break;
  }
  return revisions;
}

/** The history screen. */
export function History({ id, query: search }) {
  const [confirming, setConfirming] = useState(null);
  const [busy, setBusy] = useState(false);
  const [restored, setRestored] = useState(null);
  const [failure, setFailure] = useState(null);
  const loaded = useLoad(async () => {
    const [article, revisions] = await Promise.all([get(`/admin/articles/${id}`), allRevisions(id)]);
    return { article: article.data, revisions };
  }, [id]);
  const revisions = (loaded.data && loaded.data.revisions) || [];
  const latest = revisions.length ? revisions[revisions.length - 1].number : 0;
  const to = Number(search.get('to')) || latest;
  const from = Number(search.get('from')) || Math.max(1, to - 1);
  const view = Number(search.get('view')) || 0;
  const go = (changes) => navigate(`/articles/${id}/history${query({ from, to, view: view || '', ...changes })}`);

  if (loaded.loading && !loaded.data) return html`<h1>History</h1><${Loading} />`;
  if (loaded.error) {
    return html`<h1>History</h1>${loaded.error.status === 404
        ? html`<p role="alert">There is no article with this id (it may have been deleted).</p>`
        : html`<${ErrorSummary} error=${loaded.error} />`}
      <p><a href=${`#/articles/${id}`}>Back to the article</a></p>`;
  }
  const { article } = loaded.data;
  const restore = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const answer = await post(`/admin/articles/${id}/revisions/${confirming}/restore`, undefined, { ifMatch: article.version });
      setRestored({ number: confirming, version: answer.data.version });
      setConfirming(null);
      loaded.reload();
      go({ from: latest, to: latest + 1, view: '' });
    } catch (error) {
      setFailure(error);
      setConfirming(null);
      if (error.status === 412 || error.status === 409) loaded.reload();
    } finally {
      setBusy(false);
    }
  };
  const options = revisions.slice().reverse().map((revision) => ({
    value: String(revision.number),
    label: `${revision.number} · ${new Date(revision.saved_at).toLocaleString()} · ${savedBy(revision)}`,
  }));

  return html`<div class="history">
    <h1>History of “${article.title}”</h1>
    <p><a href=${`#/articles/${id}`}>Back to the article</a> <span class="muted">· now at version ${article.version}</span></p>
    ${restored && html`<${Notice}>Revision ${restored.number} restored as version ${restored.version}.${' '}
      <a href=${`#/articles/${id}`}>Open it in the editor</a>.<//>`}
    ${failure && (failure.status === 412 || failure.status === 409)
      ? html`<div class="notice notice-error" role="alert"><p><strong>Someone saved the article meanwhile</strong> — nothing was restored. The history now shows the latest version; check it and try again.</p></div>`
      : html`<${ErrorSummary} error=${failure} />`}
    ${confirming && html`<${Confirm} title=${`Restore revision ${confirming}?`} confirmLabel="Restore" busy=${busy}
        onConfirm=${restore} onCancel=${() => setConfirming(null)}>
      <p>Its content becomes the article's new version (version ${article.version + 1}). Nothing is lost: the current content stays in the history.</p>
    <//>`}
    <h2>Revisions</h2>
    <table class="revisions">
      <thead><tr><th scope="col">Revision</th><th scope="col">Saved</th><th scope="col">By</th>
        <th scope="col">Change</th><th scope="col">Title then</th><th scope="col">Actions</th></tr></thead>
      <tbody>
        ${revisions.slice().reverse().map((revision) => html`<tr class=${revision.number === view ? 'selected' : ''}>
          <th scope="row">${revision.number}</th>
          <td><${When} at=${revision.saved_at} /></td>
          <td>${revision.saved_by ? revision.saved_by.display_name : html`<span class="muted">${savedBy(revision)}</span>`}</td>
          <td>${KINDS[revision.kind] || revision.kind}${revision.restored_from ? ` revision ${revision.restored_from}` : ''}
            ${revision.published && html` <span class="badge badge-published">Published content</span>`}</td>
          <td>${revision.title}</td>
          <td><div class="actions">
            <button type="button" class="secondary small" onClick=${() => go({ view: revision.number })}>View revision ${revision.number}</button>
            ${revision.number !== latest && html`<button type="button" class="small" onClick=${() => { setRestored(null); setConfirming(revision.number); }}>Restore revision ${revision.number}</button>`}
          </div></td>
        </tr>`)}
      </tbody>
    </table>
    ${view > 0 && html`<${RevisionView} id=${id} number=${view} onClose=${() => go({ view: '' })} />`}
    <h2>Compare revisions</h2>
    ${revisions.length < 2 ? html`<p>There is only one revision so far.</p>` : html`
      <div class="row compare">
        <${Select} label="From revision" value=${String(from)} options=${options} onChange=${(value) => go({ from: value })} />
        <${Select} label="To revision" value=${String(to)} options=${options} onChange=${(value) => go({ to: value })} />
      </div>
      <${Comparison} id=${id} from=${from} to=${to} />`}
  </div>`;
}

function Comparison({ id, from, to }) {
  const loaded = useLoad(async () => {
    const base = `/admin/articles/${id}/revisions`;
    const [diff, older, newer] = await Promise.all([get(`${base}/${from}/diff/${to}`), get(`${base}/${from}`), get(`${base}/${to}`)]);
    return { diff: diff.data, older: older.data.content, newer: newer.data.content };
  }, [id, from, to]);
  if (from === to) return html`<p>Choose two different revisions to see what changed.</p>`;
  if (loaded.error) return html`<${ErrorSummary} error=${loaded.error} />`;
  if (!loaded.data) return html`<${Loading} />`;
  return html`<div aria-live="polite">
    <p><strong>Changes from revision ${from} to revision ${to}</strong>
      <span class="muted"> (<span class="diff-removed">removed</span>, <span class="diff-added">added</span>)</span></p>
    <${DiffView} ...${loaded.data} />
  </div>`;
}

function RevisionView({ id, number, onClose }) {
  const loaded = useLoad(() => get(`/admin/articles/${id}/revisions/${number}`).then((answer) => answer.data), [id, number]);
  const close = html`<button type="button" class="secondary small" onClick=${onClose}>Close revision ${number}</button>`;
  if (loaded.error) return html`<h2>Revision ${number}</h2><${ErrorSummary} error=${loaded.error} />${close}`;
  if (!loaded.data) return html`<h2>Revision ${number}</h2><${Loading} />`;
  const { content } = loaded.data;
  return html`<section class="revision-view" aria-labelledby="revision-view-title">
    <div class="actions"><h2 id="revision-view-title">Revision ${number}</h2>${close}</div>
    <p class="muted">Saved <${When} at=${loaded.data.saved_at} /> by ${savedBy(loaded.data)} ·
      slug <code>${content.slug}</code> · replies ${content.reply_policy}</p>
    <div class="preview">
      <p class="revision-title">${content.title}</p>
      <p class="standfirst">${content.standfirst}</p>
      ${content.sections.map((section) => html`<div>
        ${section.heading && html`<h3>${section.icon ? `${section.icon} ` : ''}${section.heading}</h3>`}
        ${section.blocks.map((block) => html`<${Block} block=${block} />`)}
      </div>`)}
    </div>
  </section>`;
}

// Reply moderation (`#/replies?status=pending&article=…&client=…`): the queue
// with counts per status, each reply with its article and the reply it
// answers, approve / reject / spam / delete one or many. Filters are the
// ones `GET /admin/replies` accepts (status, article slug or id, client hash)
// and live in the URL.

import { html, useEffect, useRef, useState } from './preact.js';
import { del, get, post, query } from './api.js';
import { navigate } from './router.js';
import { Confirm, ErrorSummary, Field, Loading, Notice, When, fieldError, useLoad } from './ui.js';

const PAGE_SIZE = 25;
const STATUSES = [['pending', 'Pending'], ['approved', 'Approved'], ['rejected', 'Rejected'], ['spam', 'Spam']];
const STATUS_NAMES = Object.fromEntries(STATUSES);
const DONE = { approve: 'Approved', reject: 'Rejected', spam: 'Marked as spam', delete: 'Deleted' };

/** `#/replies?…` with `changes` applied (a new filter starts at page one). */
function listUrl(params, changes) {
  const next = { status: params.status, article: params.article, client: params.client, ...changes };
  if (!('cursor' in changes)) delete next.cursor;
  return `/replies${query(next)}`;
}

/** The replies a page answers that are not on it, looked up under their articles. */
async function withParents(replies) {
  const known = new Map(replies.map((reply) => [reply.id, reply]));
  const wanted = new Map();
  for (const reply of replies) {
    if (reply.parent_id && !known.has(reply.parent_id)) {
      if (!wanted.has(reply.article_id)) wanted.set(reply.article_id, new Set());
      wanted.get(reply.article_id).add(reply.parent_id);
    }
  }
  await Promise.all([...wanted].map(async ([article, ids]) => {
    let cursor = '';
    for (let page = 0; page < 5 && ids.size > 0; page += 1) {
      const answer = await get(`/admin/replies${query({ status: 'all', article, limit: 100, cursor })}`);
      for (const reply of answer.data.data) { known.set(reply.id, reply); ids.delete(reply.id); }
      cursor = answer.data.next_cursor;
      if (!cursor) break;
    }
  }));
  return known;
}

/** The moderation screen. */
export function Replies({ query: search }) {
  const params = {
    status: search.get('status') || 'pending',
    article: search.get('article') || '',
    client: search.get('client') || '',
    cursor: search.get('cursor') || '',
  };
  const [article, setArticle] = useState(params.article);
  const [client, setClient] = useState(params.client);
  const [selected, setSelected] = useState([]);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(null); // { ids, one } waiting for "Yes, delete"
  useEffect(() => { setArticle(params.article); setClient(params.client); }, [params.article, params.client]);
  const page = useLoad(async () => {
    const answer = await get(`/admin/replies${query({ ...params, limit: PAGE_SIZE })}`);
    return { ...answer.data, known: await withParents(answer.data.data) };
  }, [params.status, params.article, params.client, params.cursor]);
  useEffect(() => { setSelected([]); setNotice(''); setFailure(null); setDeleting(null); }, [params.status, params.article, params.client, params.cursor]);
  const said = useRef(null);

  const replies = (page.data && page.data.data) || [];
  const nameOf = (id) => { const reply = replies.find((r) => r.id === id); return reply ? reply.author_name : 'someone'; };
  const act = async (ids, action) => {
    setBusy(true);
    setNotice('');
    setFailure(null);
    try {
      let count = ids.length;
      if (ids.length === 1 && action === 'delete') await del(`/admin/replies/${ids[0]}`);
      else if (ids.length === 1) await post(`/admin/replies/${ids[0]}/${action}`);
      else count = (await post('/admin/replies/moderate', { ids, action })).data.count;
      setNotice(`${DONE[action]}: ${count === 1 && ids.length === 1 ? `the reply by ${nameOf(ids[0])}` : `${count} replies`}.`);
      setSelected([]);
      setDeleting(null);
      page.reload();
      // The reply may leave this list: keep the keyboard near what happened.
      setTimeout(() => said.current && said.current.focus(), 0);
    } catch (error) {
      setFailure(error);
      setDeleting(null);
    } finally {
      setBusy(false);
    }
  };
  const [clientError, setClientError] = useState('');
  const filter = (event) => {
    event.preventDefault();
    // The server checks this too (422 at the field); asking first saves a round trip.
    const hash = client.trim();
    setClientError(hash && !/^[0-9a-fA-F]{64}$/.test(hash) ? 'A client hash is 64 hexadecimal characters.' : '');
    if (hash && !/^[0-9a-fA-F]{64}$/.test(hash)) return;
    navigate(listUrl(params, { article: article.trim(), client: hash }));
  };
  const toggle = (id, on) => setSelected((now) => (on ? [...now.filter((x) => x !== id), id] : now.filter((x) => x !== id)));
  const counts = page.data && page.data.counts;
  const total = counts ? STATUSES.reduce((sum, [status]) => sum + counts[status], 0) : null;
  const loadFields = page.error && page.error.fields;

  return html`<div class="replies">
    <h1>Replies</h1>
    <nav aria-label="Reply status">
      <ul class="tabs">
        ${[...STATUSES, ['all', 'All']].map(([status, label]) => html`<li>
          <a href=${`#${listUrl(params, { status })}`} aria-current=${params.status === status ? 'page' : undefined}>
            ${label}${counts ? ` (${status === 'all' ? total : counts[status]})` : ''}</a>
        </li>`)}
      </ul>
    </nav>
    <form class="row filters" onSubmit=${filter} aria-label="Filter replies">
      <${Field} label="Article" hint="Its slug or id" value=${article} onInput=${setArticle} maxlength="120"
        error=${fieldError(loadFields, 'article')} />
      <${Field} label="Client" hint="A client hash (use “Replies from this client” on a reply)" value=${client}
        onInput=${setClient} error=${clientError || fieldError(loadFields, 'client')} />
      <div class="actions">
        <button type="submit">Apply filters</button>
        ${(params.article || params.client) && html`<a class="button secondary" href=${`#${listUrl(params, { article: '', client: '' })}`}>Clear filters</a>`}
      </div>
    </form>
    <div ref=${said} tabindex="-1">${notice && html`<${Notice}>${notice}<//>`}</div>
    <${ErrorSummary} error=${failure || page.error} />
    ${page.loading && !page.data ? html`<${Loading} />` : page.data && html`
      ${replies.length === 0 ? html`<p role="status">No ${params.status === 'all' ? '' : `${STATUS_NAMES[params.status].toLowerCase()} `}replies here.</p>` : html`
        <div class="actions bulk">
          <div class="field checkbox">
            <input type="checkbox" id="reply-select-all" checked=${selected.length === replies.length}
              onChange=${(event) => setSelected(event.currentTarget.checked ? replies.map((r) => r.id) : [])} />
            <label for="reply-select-all">Select all replies on this page</label>
          </div>
          <span class="muted" aria-live="polite">${selected.length} selected</span>
          <button type="button" disabled=${busy || !selected.length} onClick=${() => act(selected, 'approve')}>Approve selected</button>
          <button type="button" class="secondary" disabled=${busy || !selected.length} onClick=${() => act(selected, 'reject')}>Reject selected</button>
          <button type="button" class="secondary" disabled=${busy || !selected.length} onClick=${() => act(selected, 'spam')}>Spam selected</button>
          <button type="button" class="danger" disabled=${busy || !selected.length} onClick=${() => setDeleting({ ids: selected })}>Delete selected</button>
        </div>
        ${deleting && !deleting.one && html`<${ConfirmDelete} ids=${deleting.ids} nameOf=${nameOf} busy=${busy}
          onConfirm=${() => act(deleting.ids, 'delete')} onCancel=${() => setDeleting(null)} />`}
        <ul class="reply-list">
          ${replies.map((reply) => html`<${ReplyCard} reply=${reply} parent=${reply.parent_id ? page.data.known.get(reply.parent_id) || null : undefined}
            params=${params} busy=${busy} checked=${selected.includes(reply.id)} onCheck=${(on) => toggle(reply.id, on)}
            onAct=${(action) => (action === 'delete' ? setDeleting({ ids: [reply.id], one: true }) : act([reply.id], action))}>
            ${deleting && deleting.one && deleting.ids[0] === reply.id && html`<${ConfirmDelete} ids=${deleting.ids} nameOf=${nameOf} busy=${busy}
              onConfirm=${() => act(deleting.ids, 'delete')} onCancel=${() => setDeleting(null)} />`}
          <//>`)}
        </ul>`}
      <div class="actions">
        ${params.cursor && html`<a class="button secondary" href=${`#${listUrl(params, {})}`}>First page</a>`}
        ${page.data.next_cursor && html`<a class="button secondary" href=${`#${listUrl(params, { cursor: page.data.next_cursor })}`}>Next page</a>`}
      </div>`}
  </div>`;
}

function ConfirmDelete({ ids, nameOf, busy, onConfirm, onCancel }) {
  return html`<${Confirm} title=${ids.length === 1 ? `Delete the reply by ${nameOf(ids[0])}?` : `Delete ${ids.length} replies?`}
      confirmLabel="Yes, delete" busy=${busy} onConfirm=${onConfirm} onCancel=${onCancel}>
    <p>This cannot be undone. Answers to a deleted reply keep their place.</p>
  <//>`;
}

function ReplyCard({ reply, parent, params, busy, checked, onCheck, onAct, children }) {
  const box = `reply-${reply.id}`;
  const actions = [['approve', 'Approve', ''], ['reject', 'Reject', 'secondary'], ['spam', 'Spam', 'secondary']]
    .filter(([action]) => !(reply.status === 'approved' && action === 'approve')
      && !(reply.status === 'rejected' && action === 'reject') && !(reply.status === 'spam' && action === 'spam'));
  return html`<li class="reply-card">
    <article aria-labelledby=${`${box}-who`}>
      <div class="reply-head">
        <input type="checkbox" id=${`${box}-check`} checked=${checked} onChange=${(event) => onCheck(event.currentTarget.checked)} />
        <label class="sr-only" for=${`${box}-check`}>Select reply by ${reply.author_name}</label>
        <h2 id=${`${box}-who`}>${reply.author_name}</h2>
        <span class=${`badge reply-${reply.status}`}>${STATUS_NAMES[reply.status] || reply.status}</span>
        ${reply.is_staff && html`<span class="badge">Staff</span>`}
        <span class="muted">${reply.author_email}</span>
        <${When} at=${reply.created_at} />
      </div>
      <p class="reply-meta">On ${reply.article ? html`<a href=${`#/articles/${reply.article.id}`}>${reply.article.title}</a>` : html`<code>${reply.article_id}</code>`}${' · '}
        <a href=${`#${listUrl(params, { article: reply.article_id })}`}>Replies under this article</a>
        ${reply.client_hash && html`${' · '}<a href=${`#${listUrl(params, { client: reply.client_hash })}`}>Replies from this client</a>`}</p>
      ${parent !== undefined && html`<div class="reply-parent">
        ${parent ? html`<p class="muted">In answer to <strong>${parent.author_name}</strong>${' '}
            (${STATUS_NAMES[parent.status] || parent.status}, <${When} at=${parent.created_at} />):</p>
          <p class="reply-body">${parent.body.length > 400 ? `${parent.body.slice(0, 400)}…` : parent.body}</p>`
          : html`<p class="muted">In answer to a reply that is no longer available.</p>`}
      </div>`}
      <p class="reply-body">${reply.body}</p>
      <div class="actions">
        ${actions.map(([action, label, style]) => html`<button type="button" class=${style} disabled=${busy} onClick=${() => onAct(action)}>${label}</button>`)}
        <button type="button" class="danger" disabled=${busy} onClick=${() => onAct('delete')}>Delete</button>
      </div>
      ${children}
    </article>
  </li>`;
}

// The article list: tabs by status, filters by author and tag, title search,
// newest change first, a page at a time. Everything lives in the URL
// (`#/articles?status=draft&q=harbour`), so a list can be reloaded and shared.

import { html, useEffect, useState } from './preact.js';
import { get, query } from './api.js';
import { navigate } from './router.js';
import * as session from './session.js';
import { ErrorSummary, Loading, Select, StatusBadge, When, useLoad } from './ui.js';

const PAGE_SIZE = 25;
const TABS = [
  ['', 'All'],
  ['draft', 'Drafts'],
  ['in_review', 'In review'],
  ['scheduled', 'Scheduled'],
  ['published', 'Published'],
  ['archived', 'Archived'],
];

/** `#/articles?…` with `changes` applied to the current query (a new filter starts at page one). */
function listUrl(params, changes) {
  const next = { status: params.status, author: params.author, tag: params.tag, q: params.q, ...changes };
  if (!('cursor' in changes)) delete next.cursor;
  return `/articles${query(next)}`;
}

/** The article list screen. */
export function ArticleList({ query: search }) {
  const params = {
    status: search.get('status') || '',
    author: search.get('author') || '',
    tag: search.get('tag') || '',
    q: search.get('q') || '',
    cursor: search.get('cursor') || '',
  };
  const [words, setWords] = useState(params.q);
  const me = session.user();
  const choices = useLoad(async () => {
    const [authors, tags] = await Promise.all([get('/authors?limit=100'), get('/tags?limit=100')]);
    return { authors: authors.data.data, tags: tags.data.data };
  }, []);
  const page = useLoad(
    () => get(`/admin/articles${query({ ...params, limit: PAGE_SIZE })}`).then((answer) => answer.data),
    [params.status, params.author, params.tag, params.q, params.cursor],
  );
  const authorOptions = [{ value: '', label: 'Anyone' }, { value: me.slug, label: `Me (${me.display_name})` }]
    .concat(((choices.data && choices.data.authors) || [])
      .filter((author) => author.slug !== me.slug)
      .map((author) => ({ value: author.slug, label: author.display_name })));
  const tagOptions = [{ value: '', label: 'Any tag' }]
    .concat(((choices.data && choices.data.tags) || []).map((tag) => ({ value: tag.slug, label: tag.name })));
  const search_ = (event) => {
    event.preventDefault();
    navigate(listUrl(params, { q: words.trim() }));
  };

  return html`<div class="article-list">
    <div class="actions">
      <h1>Articles</h1>
      <a class="button" href="#/articles/new">New article</a>
    </div>
    <nav aria-label="Article status">
      <ul class="tabs">
        ${TABS.map(([status, label]) => html`<li>
          <a href=${`#${listUrl(params, { status })}`} aria-current=${params.status === status ? 'page' : undefined}>${label}</a>
        </li>`)}
      </ul>
    </nav>
    <div class="row filters">
      <${Select} label="Author" value=${params.author} options=${authorOptions}
        onChange=${(author) => navigate(listUrl(params, { author }))} />
      <${Select} label="Tag" value=${params.tag} options=${tagOptions}
        onChange=${(tag) => navigate(listUrl(params, { tag }))} />
      <form class="field search" role="search" onSubmit=${search_}>
        <label for="title-search">Search titles</label>
        <div class="actions">
          <input id="title-search" type="search" value=${words} maxlength="300"
            onInput=${(event) => setWords(event.currentTarget.value)} />
          <button type="submit">Search</button>
        </div>
      </form>
    </div>
    <${ErrorSummary} error=${choices.error || page.error} />
    ${page.loading && !page.data ? html`<${Loading} />` : page.data && html`<${Rows} page=${page.data} params=${params} />`}
  </div>`;
}

function Rows({ page, params }) {
  // A User Timing mark when a page of the list is on screen (bench/desk.sh reads it).
  useEffect(() => { performance.mark('desk:articles-listed'); }, [page]);
  if (page.data.length === 0) {
    return html`<p role="status">No articles here${params.q ? ` with “${params.q}” in the title` : ''}.</p>`;
  }
  return html`<table>
      <caption class="muted">Newest change first</caption>
      <thead><tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Byline</th>
        <th scope="col">Last change</th><th scope="col">Version</th></tr></thead>
      <tbody>
        ${page.data.map((article) => html`<tr>
          <td><a href=${`#/articles/${article.id}`}>${article.title}</a></td>
          <td><${StatusBadge} status=${article.status} />
            ${article.status === 'scheduled' && html` <${When} at=${article.scheduled_at} />`}</td>
          <td>${article.authors.map((author) => author.display_name).join(', ')}</td>
          <td><${When} at=${article.updated_at} /></td>
          <td>${article.version}</td>
        </tr>`)}
      </tbody>
    </table>
    <div class="actions">
      ${params.cursor && html`<a class="button secondary" href=${`#${listUrl(params, {})}`}>First page</a>`}
      ${page.next_cursor && html`<a class="button secondary" href=${`#${listUrl(params, { cursor: page.next_cursor })}`}>Next page</a>`}
    </div>`;
}

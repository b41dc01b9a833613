// The conflict screen: someone saved the article after this editor opened
// it. Shows what they changed (the revision diff between the version this
// editor started from and the current one) and offers: take theirs,
// re-apply mine on top of theirs (to review and save again), or copy my
// text out. Nothing is overwritten silently. Also the three-way merge that
// "re-apply" uses.

import { html, useEffect, useRef, useState } from './preact.js';
import { get, query } from './api.js';
import { blockWrite, withoutIds } from './sections.js';
import { Notice, StatusBadge, When } from './ui.js';
import { DiffView, blockText } from './diff.js';

/** Every revision of `id`, oldest first. */
async function allRevisions(id) {
  const revisions = [];
  let cursor = null;
  for (let page = 0; page < 100; page += 1) {
    const { data } = await get(`/admin/articles/${id}/revisions${query({ limit: 100, cursor })}`);
    revisions.push(...data.data);
    cursor = data.next_cursor;
    if (!cursor) break;
  }
  return revisions;
}

/**
 * What the conflict screen needs: the current article (`theirs`), and the
 * diff from the revision of `version` (the newest revision saved at or before
 * it: workflow moves bump the version without a revision) to the newest one.
 */
export async function loadConflict(id, version) {
  const { data: theirs } = await get(`/admin/articles/${id}`);
  const conflict = { theirs, diff: null, diffError: null, savers: [] };
  try {
    const revisions = await allRevisions(id);
    const from = revisions.filter((revision) => revision.version <= version).pop();
    const to = revisions[revisions.length - 1];
    conflict.savers = revisions.filter((revision) => revision.version > version);
    if (from && to && from.number !== to.number) {
      conflict.diff = (await get(`/admin/articles/${id}/revisions/${from.number}/diff/${to.number}`)).data;
    }
  } catch (error) {
    conflict.diffError = error;
  }
  return conflict;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const blockSame = (a, b) => same(blockWrite(a), blockWrite(b));
const sectionSame = (a, b) => a.heading === b.heading && a.icon === b.icon
  && a.blocks.length === b.blocks.length && a.blocks.every((block, i) => blockSame(block, b.blocks[i]));

/**
 * Three-way merge of ordered lists of items with server `id`s: their list,
 * with my changes (relative to `base`) applied — edits, deletions (unless
 * they changed the item too), additions (after the item they followed) and
 * my new order of the items we both have.
 */
function mergeList(base, mine, theirs, mergeItem, equal) {
  const baseById = new Map(base.filter((x) => x.id).map((x) => [x.id, x]));
  const mineById = new Map(mine.filter((x) => x.id).map((x) => [x.id, x]));
  const result = [];
  for (const their of theirs) {
    const was = baseById.get(their.id);
    const now = mineById.get(their.id);
    if (was && !now && equal(was, their)) continue; // I deleted it; they did not touch it
    result.push(was && now ? mergeItem(was, now, their) : their);
  }
  // Items I kept or changed that they deleted: kept only when I changed them.
  const theirIds = new Set(theirs.map((x) => x.id));
  const added = mine.filter((x) => !x.id || !baseById.has(x.id)
    || (!theirIds.has(x.id) && !equal(baseById.get(x.id), x)));
  // My order of the items we share, in the places they hold in the result.
  const mineOrder = mine.map((x) => x.id).filter((id) => id && result.some((r) => r.id === id));
  const baseOrder = base.map((x) => x.id).filter((id) => mineOrder.includes(id));
  if (!same(mineOrder, baseOrder)) {
    const slots = result.map((r, i) => (mineOrder.includes(r.id) ? i : -1)).filter((i) => i >= 0);
    const byId = new Map(result.map((r) => [r.id, r]));
    slots.forEach((slot, n) => { result[slot] = byId.get(mineOrder[n]); });
  }
  const placed = new Map(); // my added item -> what was put in the result for it
  const locate = (x) => {
    const own = result.indexOf(placed.get(x) || x);
    return own >= 0 || !x.id ? own : result.findIndex((r) => r.id === x.id);
  };
  for (const item of added) {
    const fresh = item.id && !theirIds.has(item.id) ? withoutIds(item) : item;
    const before = mine.slice(0, mine.indexOf(item)).reverse().find((x) => locate(x) >= 0);
    result.splice(before ? locate(before) + 1 : 0, 0, fresh);
    placed.set(item, fresh);
  }
  return result;
}

/** Mine where I changed it since `base`, theirs elsewhere. */
const pick = (was, now, their) => (same(was, now) ? their : now);

/**
 * My edits (the difference between `base`, the model I started from, and
 * `mine`) applied onto `theirs`, the current article's model.
 */
export function reapply(base, mine, theirs) {
  const merged = { ...theirs, slugFollows: false };
  for (const key of ['title', 'slug', 'standfirst', 'authors', 'tags', 'reply_policy', 'image']) {
    merged[key] = pick(base[key], mine[key], theirs[key]);
  }
  merged.sections = mergeList(base.sections, mine.sections, theirs.sections, (was, now, their) => ({
    ...their,
    heading: pick(was.heading, now.heading, their.heading),
    icon: pick(was.icon, now.icon, their.icon),
    blocks: mergeList(was.blocks, now.blocks, their.blocks, (wb, nb, tb) => (blockSame(wb, nb) ? tb : nb), blockSame),
  }), sectionSame);
  // A block they moved to another section and I changed in its old one: mine goes in anew.
  const seen = new Set();
  merged.sections = merged.sections.map((section) => ({
    ...section,
    blocks: section.blocks.map((block) => {
      if (!block.id) return block;
      if (seen.has(block.id)) return withoutIds(block);
      seen.add(block.id);
      return block;
    }),
  }));
  return merged;
}

/** All my text, as plain Markdown-like text. */
export function modelText(model) {
  const parts = [`# ${model.title}`];
  if (model.standfirst) parts.push(model.standfirst);
  model.sections.forEach((section) => {
    if (section.heading || section.icon) parts.push(`## ${[section.icon, section.heading].filter(Boolean).join(' ')}`);
    section.blocks.forEach((block) => parts.push(block.type === 'pull_quote' ? `> ${blockText(block)}` : blockText(block)));
  });
  return parts.filter((part) => part.trim()).join('\n\n');
}

/** What changed from the version I started from (`base`, a GET document) to `theirs`. */
function Changes({ base, theirs, diff }) {
  const statusChanged = base.status !== theirs.status || base.published_at !== theirs.published_at;
  return html`<div class="conflict-changes" role="region" aria-label="Their changes" tabindex="0">
    ${statusChanged && html`<p>Status: <${StatusBadge} status=${base.status} /> → <${StatusBadge} status=${theirs.status} />
      ${theirs.published_at && html` (publication <${When} at=${theirs.published_at} />)`}</p>`}
    ${diff ? html`<${DiffView} diff=${diff} older=${base} newer=${theirs} level=${4} />`
      : html`<p>The text is the same as the version you started from; ${statusChanged ? 'only the status or publication time changed.' : 'only the version moved on.'}</p>`}
  </div>`;
}

/**
 * The conflict panel. `conflict` is what `loadConflict` answered (or
 * `{ loading: true }` / `{ error }`), `base` the GET document this editor
 * started from, `mine` the editor's model; the buttons call back.
 */
export function Conflict({ conflict, base, mine, onTakeTheirs, onReapply, onRetry }) {
  const [copy, setCopy] = useState(null); // null | 'copied' | 'shown'
  const heading = useRef(null);
  useEffect(() => { if (heading.current) heading.current.focus(); }, []);
  const copyMine = async () => {
    setCopy('shown');
    try {
      await navigator.clipboard.writeText(modelText(mine));
      setCopy('copied');
    } catch {
      requestAnimationFrame(() => { const area = document.getElementById('my-text'); if (area) area.select(); });
    }
  };
  const who = (conflict.savers || []).map((revision) => revision.saved_by && revision.saved_by.display_name).filter(Boolean);
  return html`<section class="conflict dialog" aria-labelledby="conflict-title">
    <h2 id="conflict-title" tabindex="-1" ref=${heading}>Someone else changed this article</h2>
    <p role="alert">Your changes are not saved: the article changed after you opened version ${base.version}.
      ${conflict.theirs && ` It is now version ${conflict.theirs.version}${who.length ? `, saved by ${[...new Set(who)].join(', ')}` : ''}.`}
      ${' '}Nothing has been overwritten.</p>
    ${conflict.loading && html`<p role="status">Loading what changed…</p>`}
    ${conflict.error && html`<p class="error">What changed cannot be loaded: ${conflict.error.message}</p>
      <div class="actions"><button type="button" onClick=${onRetry}>Try again</button></div>`}
    ${conflict.theirs && html`<h3>What they changed</h3>
      <${Changes} base=${base} theirs=${conflict.theirs} diff=${conflict.diff} />
      ${conflict.diffError && html`<p class="error">The revision diff cannot be loaded: ${conflict.diffError.message}</p>`}
      <div class="actions">
        <button type="button" class="secondary" onClick=${onTakeTheirs}>Take theirs</button>
        <button type="button" onClick=${onReapply}>Re-apply mine on top of theirs</button>
        <button type="button" class="secondary" onClick=${copyMine}>Copy my text</button>
      </div>
      <p class="hint">“Take theirs” discards your changes. “Re-apply mine on top of theirs” applies what you changed to their version for you to review and save again.</p>`}
    ${copy && html`<div class="field">
      <label for="my-text">My text (read-only)</label>
      <textarea id="my-text" class="my-text" readonly rows="12" value=${modelText(mine)}></textarea>
      ${copy === 'copied' ? html`<${Notice}>Copied to the clipboard.</${Notice}>` : html`<p class="hint">Select the text and copy it (Ctrl+C or ⌘C).</p>`}
    </div>`}
  </section>`;
}

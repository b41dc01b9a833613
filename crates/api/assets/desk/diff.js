// What changed between two versions of an article, as the history and the
// conflict screens show it: the server's revision diff (which fields,
// sections and blocks changed) drawn with a word diff inside each change.

import { html } from './preact.js';

/**
 * `[{ kind: 'same'|'added'|'removed', text }]` turning `before` into `after`,
 * word by word (a longest common subsequence; whole texts beyond ~400,000
 * word pairs). A space between two changes joins them, so a rewritten
 * phrase reads as one run.
 */
export function wordDiff(before, after) {
  const a = (before || '').split(/(\s+)/).filter((t) => t !== '');
  const b = (after || '').split(/(\s+)/).filter((t) => t !== '');
  if (a.length * b.length > 400000) {
    return [{ kind: 'removed', text: before }, { kind: 'added', text: after }].filter((part) => part.text);
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1
        : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const steps = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { steps.push(['same', a[i]]); i += 1; j += 1; }
    else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) { steps.push(['removed', a[i]]); i += 1; }
    else { steps.push(['added', b[j]]); j += 1; }
  }
  while (i < a.length) { steps.push(['removed', a[i]]); i += 1; }
  while (j < b.length) { steps.push(['added', b[j]]); j += 1; }
  // Between two unchanged words, what was removed and what was added form
  // one run each (a space between two changes belongs to both).
  const parts = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed.trim()) parts.push({ kind: 'removed', text: removed });
    if (added.trim()) parts.push({ kind: 'added', text: added });
    removed = '';
    added = '';
  };
  const changed = (n) => steps[n] && steps[n][0] !== 'same';
  steps.forEach(([kind, text], n) => {
    if (kind === 'removed') removed += text;
    else if (kind === 'added') added += text;
    else if (!text.trim() && changed(n - 1) && changed(n + 1)) { removed += text; added += text; }
    else {
      flush();
      const last = parts[parts.length - 1];
      if (last && last.kind === 'same') last.text += text; else parts.push({ kind: 'same', text });
    }
  });
  flush();
  return parts;
}

/** Text with its removed and added words marked (and said, for screen readers). */
export function Changes({ before, after }) {
  return html`<p class="diff-text">${wordDiff(before, after).map((part) => {
    if (part.kind === 'added') return [html`<span class="sr-only">added: </span>`, html`<ins class="diff-added">${part.text}</ins>`];
    if (part.kind === 'removed') return [html`<span class="sr-only">removed: </span>`, html`<del class="diff-removed">${part.text}</del>`];
    return part.text;
  })}</p>`;
}

/** List items as lines: from the API (`[{ markdown, text }]` or strings) or the editor (one text). */
function listItems(items) {
  const lines = Array.isArray(items) ? items.map((item) => (typeof item === 'string' ? item : item.markdown ?? item.text)) : (items || '').split('\n');
  return lines.filter(Boolean);
}

/** A block's words: to compare, and for "copy my text" (API blocks and the editor's alike). */
export function blockText(block) {
  if (!block) return '';
  switch (block.type) {
    case 'paragraph': return block.markdown ?? block.text ?? '';
    case 'pull_quote': return `${block.icon ? `${block.icon} ` : ''}“${block.text}”${block.speaker ? ` — ${block.speaker}` : ''}${block.context ? `, ${block.context}` : ''}`;
    case 'list': return listItems(block.items).map((item, n) => `${block.ordered ? `${n + 1}.` : '-'} ${item}`).join('\n');
    case 'image': {
      const image = block.raw || block;
      return `[Image: ${image.decorative ? 'decorative' : image.alt || 'no alt text'}]${image.caption ? ` ${image.caption}` : ''}`;
    }
    default: return `[${block.type} block]`;
  }
}

const FIELD_NAMES = {
  title: 'Title', slug: 'Slug', standfirst: 'Standfirst', authors: 'Byline', tags: 'Tags',
  reply_policy: 'Reply policy', seo: 'Search-engine fields', feature_image: 'Feature image',
};
const CHANGE_NAMES = { added: 'added', removed: 'removed', changed: 'changed', moved: 'moved' };
const BLOCK_NAMES = { paragraph: 'paragraph', pull_quote: 'pull quote', list: 'list', image: 'image' };

/**
 * A field's value as words. An article names people and tags (objects with
 * names); a revision by id only, so ids stay ids there.
 */
function fieldText(content, field) {
  const value = content && content[field];
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((entry) => (typeof entry === 'string' ? entry : entry.display_name || entry.name)).join(', ');
  if (field === 'feature_image') return [value.url, value.alt && `alt: ${value.alt}`, value.caption && `caption: ${value.caption}`].filter(Boolean).join(' · ');
  if (typeof value === 'object') return Object.entries(value).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join(' · ');
  return String(value);
}

const sectionName = (section) => (section ? [section.icon, section.heading].filter(Boolean).join(' ') || '(lede, no heading)' : '');

function BlockChange({ change }) {
  const block = change.after || change.before;
  const position = (change.new_index ?? change.old_index) + 1;
  return html`<div class="diff-block">
    <p class="muted">Block ${position} ${CHANGE_NAMES[change.change]} (${BLOCK_NAMES[block.type] || block.type})${change.change === 'moved' ? `, was block ${change.old_index + 1}` : ''}</p>
    <${Changes} before=${blockText(change.before)} after=${blockText(change.after)} />
  </div>`;
}

/**
 * The server's revision `diff` drawn: changed fields (their values read from
 * `older` and `newer`, articles or revision contents), then sections and
 * blocks. Section headings are `h${level}` to fit the page's outline.
 */
export function DiffView({ diff, older, newer, level = 3 }) {
  if (diff.fields.length === 0 && diff.sections.length === 0) {
    return html`<p role="status">The content is the same.</p>`;
  }
  const Heading = `h${level}`;
  return html`<div class="diff">
    ${diff.fields.length > 0 && html`<dl class="diff-fields">
      ${diff.fields.map((field) => [
        html`<dt>${FIELD_NAMES[field] || field}</dt>`,
        html`<dd><${Changes} before=${fieldText(older, field)} after=${fieldText(newer, field)} /></dd>`,
      ])}
    </dl>`}
    ${diff.sections.map((section) => html`<section class=${`diff-section diff-section-${section.change}`}>
      <${Heading}>Section ${(section.new_index ?? section.old_index) + 1}: ${sectionName(section.after || section.before)}
        <span class="badge">${CHANGE_NAMES[section.change]}</span></${Heading}>
      ${section.heading_changed && html`<p class="muted">Heading:</p><${Changes} before=${sectionName(section.before)} after=${sectionName(section.after)} />`}
      ${section.change === 'added' && section.after.blocks.map((block, n) => html`<${BlockChange} change=${{ change: 'added', after: block, new_index: n }} />`)}
      ${section.change === 'removed' && section.before.blocks.map((block, n) => html`<${BlockChange} change=${{ change: 'removed', before: block, old_index: n }} />`)}
      ${section.change === 'moved' && html`<p class="muted">Moved from position ${section.old_index + 1} to ${section.new_index + 1}.</p>`}
      ${section.blocks.map((change) => html`<${BlockChange} change=${change} />`)}
    </section>`)}
  </div>`;
}

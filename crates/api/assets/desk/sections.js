// The article body in the editor: sections (heading + emoji icon) holding
// blocks (paragraph, pull quote, list; image and unknown blocks are kept as
// they came and shown read-only). The model <-> document conversions and the
// editing components with their buttons and keyboard focus handling.

import { html, useRef } from './preact.js';
import { Checkbox, Field, fieldError } from './ui.js';

let counter = 0;
/** A client-side key that follows a section or block through moves. */
export const newKey = () => `k${++counter}`;

/** A block of the document as the editor holds it. */
export function blockFromDoc(block) {
  const base = { k: newKey(), id: block.id || null, type: block.type };
  switch (block.type) {
    case 'paragraph':
      return { ...base, markdown: block.markdown ?? block.text ?? '' };
    case 'pull_quote':
      return { ...base, text: block.text || '', speaker: block.speaker || '', context: block.context || '', icon: block.icon || '' };
    case 'list':
      return { ...base, ordered: Boolean(block.ordered), items: (block.items || []).map(itemSource).join('\n') };
    default:
      return { ...base, raw: block };
  }
}

const itemSource = (item) => (typeof item === 'string' ? item : item.markdown ?? item.text ?? '');

/** The sections of a GET document, as the editor holds them. */
export function sectionsFromDoc(sections) {
  return (sections || []).map((section) => ({
    k: newKey(),
    id: section.id || null,
    heading: section.heading || '',
    icon: section.icon || '',
    blocks: (section.blocks || []).map(blockFromDoc),
  }));
}

/** A new, empty section (or block of `type`). */
export const newSection = (withParagraph = false) => ({
  k: newKey(), id: null, heading: '', icon: '', blocks: withParagraph ? [newBlock('paragraph')] : [],
});
export function newBlock(type) {
  if (type === 'pull_quote') return { k: newKey(), id: null, type, text: '', speaker: '', context: '', icon: '' };
  if (type === 'list') return { k: newKey(), id: null, type, ordered: false, items: '' };
  return { k: newKey(), id: null, type: 'paragraph', markdown: '' };
}

const orNull = (text) => (text && text.trim() ? text.trim() : null);
const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** The block as PUT/POST take it (image and unknown blocks: as they came). */
export function blockWrite(block) {
  const id = block.id ? { id: block.id } : {};
  switch (block.type) {
    case 'paragraph':
      return { type: 'paragraph', ...id, markdown: block.markdown };
    case 'pull_quote':
      return { type: 'pull_quote', ...id, text: block.text, speaker: orNull(block.speaker), context: orNull(block.context), icon: orNull(block.icon) };
    case 'list':
      return { type: 'list', ...id, ordered: block.ordered, items: lines(block.items) };
    default:
      return block.id ? { ...block.raw, id: block.id } : Object.fromEntries(Object.entries(block.raw).filter(([key]) => key !== 'id'));
  }
}

/** True for a block with nothing written in it (not sent). */
function blank(block) {
  if (block.type === 'paragraph') return !block.markdown.trim();
  if (block.type === 'pull_quote') return ![block.text, block.speaker, block.context, block.icon].some((text) => text.trim());
  if (block.type === 'list') return lines(block.items).length === 0;
  return false;
}

/**
 * The sections as PUT/POST take them, and `paths`: for each block path as
 * sent, the path of the block in the editor (blank blocks are not sent, so
 * the server's error paths are mapped back through this).
 */
export function sectionsWrite(sections) {
  const paths = {};
  const written = sections.map((section, si) => {
    const blocks = [];
    section.blocks.forEach((block, bi) => {
      if (blank(block)) return;
      paths[`sections[${si}].blocks[${blocks.length}]`] = `sections[${si}].blocks[${bi}]`;
      blocks.push(blockWrite(block));
    });
    return { ...(section.id ? { id: section.id } : {}), heading: orNull(section.heading), icon: orNull(section.icon), blocks };
  });
  return { sections: written, paths };
}

/** The same section or block without its server ids (to add it anew). */
export function withoutIds(item) {
  if (item.blocks) return { ...item, id: null, blocks: item.blocks.map(withoutIds) };
  return { ...item, id: null };
}

const place = (si, bi) => (bi === undefined ? `section ${si + 1}` : `section ${si + 1}, block ${bi + 1}`);
const Label = (si, bi) => `Section ${si + 1}${bi === undefined ? '' : `, block ${bi + 1}`}`;

function move(list, from, to) {
  const copy = list.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

/** Puts focus on the first of `ids` that can take it, after the next paint. */
function focusFirst(ids) {
  requestAnimationFrame(() => {
    for (const id of ids) {
      const element = document.getElementById(id);
      if (element && !element.disabled) { element.focus(); return; }
    }
  });
}

/**
 * Wraps the selection of textarea `id` in `before`/`after` (a placeholder
 * when nothing is selected) and selects what the writer fills in next.
 */
function wrapSelection(id, value, before, after, placeholder, setValue, selectAfter = null) {
  const area = document.getElementById(id);
  if (!area) return;
  let start = area.selectionStart;
  let end = area.selectionEnd;
  while (end > start && /\s/.test(value[end - 1])) end -= 1;
  while (start < end && /\s/.test(value[start])) start += 1;
  const chosen = value.slice(start, end) || placeholder;
  setValue(value.slice(0, start) + before + chosen + after + value.slice(end));
  const from = selectAfter ? start + before.length + chosen.length + selectAfter[0] : start + before.length;
  const to = selectAfter ? from + selectAfter[1] : from + chosen.length;
  requestAnimationFrame(() => {
    const now = document.getElementById(id);
    if (now) { now.focus(); now.setSelectionRange(from, to); }
  });
}

function Paragraph({ block, si, bi, set, fields, path }) {
  const id = `md-${block.k}`;
  const setMarkdown = (markdown) => set({ ...block, markdown });
  const where = place(si, bi);
  return html`<div class="toolbar" role="toolbar" aria-label=${`Formatting, ${where}`}>
      <button type="button" class="secondary small" aria-label=${`Bold in ${where}`}
        onClick=${() => wrapSelection(id, block.markdown, '**', '**', 'bold text', setMarkdown)}><strong>Bold</strong></button>
      <button type="button" class="secondary small" aria-label=${`Italic in ${where}`}
        onClick=${() => wrapSelection(id, block.markdown, '*', '*', 'italic text', setMarkdown)}><em>Italic</em></button>
      <button type="button" class="secondary small" aria-label=${`Link in ${where}`}
        onClick=${() => wrapSelection(id, block.markdown, '[', '](https://)', 'link text', setMarkdown, [2, 8])}>Link</button>
    </div>
    <${Field} id=${id} multiline label=${`${Label(si, bi)} paragraph (Markdown)`} value=${block.markdown}
      onInput=${setMarkdown} error=${fieldError(fields, path)} hint="**bold**, *italic*, [link](https://…)" />`;
}

function PullQuote({ block, si, bi, set, fields, path }) {
  const label = `${Label(si, bi)} pull quote`;
  const change = (key) => (value) => set({ ...block, [key]: value });
  return html`<${Field} id=${`pq-${block.k}`} multiline label=${`${label} text`} value=${block.text} onInput=${change('text')}
      error=${fieldError(fields, `${path}.text`)} />
    <div class="row">
      <${Field} label=${`${label} speaker`} value=${block.speaker} onInput=${change('speaker')} error=${fieldError(fields, `${path}.speaker`)} />
      <${Field} label=${`${label} context`} value=${block.context} onInput=${change('context')} error=${fieldError(fields, `${path}.context`)}
        hint="Where or when it was said" />
      <${Field} label=${`${label} icon`} value=${block.icon} onInput=${change('icon')} error=${fieldError(fields, `${path}.icon`)}
        hint="One emoji (optional)" class="icon-input" />
    </div>`;
}

function List({ block, si, bi, set, fields, path }) {
  const label = `${Label(si, bi)} list`;
  return html`<${Checkbox} label=${`${label} numbered`} checked=${block.ordered} onChange=${(ordered) => set({ ...block, ordered })} />
    <${Field} id=${`li-${block.k}`} multiline label=${`${label} items (one per line)`} value=${block.items}
      onInput=${(items) => set({ ...block, items })} error=${fieldError(fields, path)} hint="Markdown allowed in each item" />`;
}

function Kept({ block }) {
  const raw = block.raw;
  if (block.type !== 'image') {
    return html`<p class="muted">A “${block.type}” block: kept as it is (it cannot be edited here).</p>`;
  }
  const thumb = raw.renditions && (raw.renditions['320'] || Object.values(raw.renditions)[0]);
  return html`<figure class="kept-image">
    ${thumb && thumb.startsWith('/media/') && html`<img src=${thumb} alt="" />`}
    <figcaption>
      <strong>Image from the media library</strong> (kept as it is; change it in the media library)
      <br />Alt text: ${raw.decorative ? '(decorative)' : raw.alt || '—'}
      ${raw.caption && html`<br />Caption: ${raw.caption}`}
      ${raw.credit && html`<br />Credit: ${raw.credit}`}
    </figcaption>
  </figure>`;
}

const KIND = { paragraph: 'Paragraph', pull_quote: 'Pull quote', list: 'List', image: 'Image' };
const FIRST_INPUT = { paragraph: 'md', pull_quote: 'pq', list: 'li' };

/** Moves / remove buttons of a section or block. */
function Mover({ prefix, index, count, name, onMove, removeText, removeLabel, onRemove }) {
  return html`<div class="toolbar">
    <button type="button" class="secondary small" id=${`${prefix}-up`} disabled=${index === 0}
      aria-label=${`Move up ${name}`} onClick=${() => onMove(-1)}>Move up</button>
    <button type="button" class="secondary small" id=${`${prefix}-down`} disabled=${index === count - 1}
      aria-label=${`Move down ${name}`} onClick=${() => onMove(1)}>Move down</button>
    <button type="button" class="secondary small" id=${`${prefix}-remove`}
      aria-label=${removeLabel}
      onClick=${onRemove}>${removeText}</button>
  </div>`;
}

/**
 * The body editor. `sections` is the model, `onChange(next)` replaces it;
 * `fields` are the server's field errors (editor paths).
 */
export function Sections({ sections, onChange, fields }) {
  const latest = useRef(sections);
  latest.current = sections;
  const setSection = (si, section) => onChange(latest.current.map((s, i) => (i === si ? section : s)));

  const moveSection = (si, step) => {
    const key = latest.current[si].k;
    onChange(move(latest.current, si, si + step));
    focusFirst(step < 0 ? [`s-${key}-up`, `s-${key}-down`] : [`s-${key}-down`, `s-${key}-up`]);
  };
  const removeSection = (si) => {
    const section = latest.current[si];
    const written = section.heading.trim() || section.blocks.some((block) => !blank(block));
    if (written && !window.confirm(`Remove section ${si + 1} and everything in it?`)) return;
    onChange(latest.current.filter((_, i) => i !== si));
    focusFirst(['add-section']);
  };
  const addSection = () => {
    const section = newSection(true);
    onChange([...latest.current, section]);
    focusFirst([`heading-${section.k}`]);
  };
  const moveBlock = (si, bi, step) => {
    const section = latest.current[si];
    const key = section.blocks[bi].k;
    setSection(si, { ...section, blocks: move(section.blocks, bi, bi + step) });
    focusFirst(step < 0 ? [`b-${key}-up`, `b-${key}-down`] : [`b-${key}-down`, `b-${key}-up`]);
  };
  const removeBlock = (si, bi) => {
    const section = latest.current[si];
    setSection(si, { ...section, blocks: section.blocks.filter((_, i) => i !== bi) });
    focusFirst([`s-${section.k}-add-paragraph`]);
  };
  const addBlock = (si, type) => {
    const section = latest.current[si];
    const block = newBlock(type);
    setSection(si, { ...section, blocks: [...section.blocks, block] });
    focusFirst([`${FIRST_INPUT[type]}-${block.k}`]);
  };

  return html`<div class="sections">
    ${sections.map((section, si) => {
      const path = `sections[${si}]`;
      const name = place(si);
      return html`<fieldset class="section-card" key=${section.k}>
        <legend>Section ${si + 1}${si === 0 ? ' (lede)' : ''}</legend>
        <div class="row">
          <${Field} id=${`heading-${section.k}`} label=${`${Label(si)} heading`} value=${section.heading}
            onInput=${(heading) => setSection(si, { ...section, heading })} error=${fieldError(fields, `${path}.heading`)}
            hint=${si === 0 ? 'Optional: the first section is the lede and may have no heading.' : undefined} />
          <${Field} label=${`${Label(si)} icon`} value=${section.icon} class="icon-input"
            onInput=${(icon) => setSection(si, { ...section, icon })} error=${fieldError(fields, `${path}.icon`)} hint="One emoji, e.g. 🚆" />
        </div>
        <${Mover} prefix=${`s-${section.k}`} index=${si} count=${sections.length} name=${name}
          onMove=${(step) => moveSection(si, step)} removeText="Remove section" removeLabel=${`Remove section ${si + 1}`} onRemove=${() => removeSection(si)} />
        ${section.blocks.length === 0 && html`<p class="muted">No blocks yet.</p>`}
        ${section.blocks.map((block, bi) => {
          const blockPath = `${path}.blocks[${bi}]`;
          const props = { block, si, bi, fields, path: blockPath, set: (next) => setSection(si, { ...section, blocks: section.blocks.map((b, i) => (i === bi ? next : b)) }) };
          const Body = { paragraph: Paragraph, pull_quote: PullQuote, list: List }[block.type] || Kept;
          const error = Body === Kept ? fieldError(fields, blockPath) : Body === PullQuote ? fields && fields[blockPath] : undefined;
          return html`<div class="block-card" key=${block.k} role="group" aria-label=${`${Label(si, bi)}: ${KIND[block.type] || block.type}`}>
            <p class="block-kind">${KIND[block.type] || block.type}</p>
            <${Body} ...${props} />
            ${error && html`<p class="error">${error}</p>`}
            <${Mover} prefix=${`b-${block.k}`} index=${bi} count=${section.blocks.length} name=${place(si, bi)}
              onMove=${(step) => moveBlock(si, bi, step)} removeText="Remove block"
              removeLabel=${`Remove block ${bi + 1} of section ${si + 1}`} onRemove=${() => removeBlock(si, bi)} />
          </div>`;
        })}
        <div class="actions">
          <button type="button" class="secondary" id=${`s-${section.k}-add-paragraph`} aria-label=${`Add paragraph to ${name}`}
            onClick=${() => addBlock(si, 'paragraph')}>Add paragraph</button>
          <button type="button" class="secondary" aria-label=${`Add pull quote to ${name}`} onClick=${() => addBlock(si, 'pull_quote')}>Add pull quote</button>
          <button type="button" class="secondary" aria-label=${`Add list to ${name}`} onClick=${() => addBlock(si, 'list')}>Add list</button>
        </div>
      </fieldset>`;
    })}
    <div class="actions"><button type="button" id="add-section" onClick=${addSection}>Add section</button></div>
  </div>`;
}

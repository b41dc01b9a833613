// The preview: the unsaved article as a reader sees it (title, standfirst,
// byline, feature image, sections with emoji headings, paragraphs, pull
// quotes with speaker and context, lists, library images). Markdown is
// rendered into Preact elements, never into HTML strings: every character
// of the text stays text; only bold, italic and http(s)/relative links are
// understood.

import { html } from './preact.js';

// `\x` escapes, **bold**, __bold__, *italic*, _italic_, [text](url).
const TOKEN = /\\([\\`*_[\]()#+\-.!])|\*\*(?=\S)([\s\S]+?)\*\*|(?<!\w)__(?=\S)([\s\S]+?)__(?!\w)|\*(?=\S)([\s\S]+?)\*|(?<!\w)_(?=\S)([\s\S]+?)_(?!\w)|\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/;

/** True for an http(s) URL or a relative one (no other scheme, not `//host`). */
export function safeHref(url) {
  if (/^https?:\/\//i.test(url)) return true;
  if (url.startsWith('//')) return false;
  const colon = url.indexOf(':');
  const cut = url.search(/[/?#]/);
  return colon === -1 || (cut !== -1 && colon > cut);
}

/** Inline Markdown as Preact children (strings are escaped by Preact). */
export function inline(text) {
  const out = [];
  let rest = text || '';
  let guard = 0;
  while (rest && guard++ < 10000) {
    const match = TOKEN.exec(rest);
    if (!match) { out.push(rest); break; }
    if (match.index) out.push(rest.slice(0, match.index));
    const [, escaped, bold1, bold2, italic1, italic2, label, href] = match;
    if (escaped !== undefined) out.push(escaped);
    else if (bold1 !== undefined || bold2 !== undefined) out.push(html`<strong>${inline(bold1 ?? bold2)}</strong>`);
    else if (italic1 !== undefined || italic2 !== undefined) out.push(html`<em>${inline(italic1 ?? italic2)}</em>`);
    else if (safeHref(href)) out.push(html`<a href=${href} rel="noopener noreferrer">${inline(label)}</a>`);
    else out.push(...inline(label));
    rest = rest.slice(match.index + match[0].length);
  }
  return out;
}

/** An address this page may show (the CSP allows images from here only): `/media/…`. */
export function localMedia(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.origin === window.location.origin && parsed.pathname.startsWith('/media/') ? parsed.pathname : null;
  } catch {
    return null;
  }
}

function FeatureImage({ image }) {
  if (!image || !image.url) return null;
  const src = localMedia(image.url);
  return html`<figure class="preview-figure">
    ${src
      ? html`<img src=${src} alt=${image.alt || ''} />`
      : html`<div class="preview-external"><p>External image (not shown in the desk): ${image.alt || 'no alt text'}</p><p class="muted">${image.url}</p></div>`}
    ${image.caption && html`<figcaption>${image.caption}</figcaption>`}
  </figure>`;
}

/** One block as a reader sees it (the preview, and a revision in the history). */
export function Block({ block }) {
  switch (block.type) {
    case 'paragraph':
      return html`<p>${inline(block.markdown ?? block.text)}</p>`;
    case 'pull_quote':
      return html`<blockquote class="pull-quote">
        ${block.icon && html`<span class="pull-quote-icon" aria-hidden="true">${block.icon}</span>`}
        <p>${block.text}</p>
        ${(block.speaker || block.context) && html`<footer>— ${block.speaker && html`<cite>${block.speaker}</cite>`}${block.speaker && block.context ? ', ' : ''}${block.context}</footer>`}
      </blockquote>`;
    case 'list': {
      const items = (block.items || []).map((item) => html`<li>${inline(typeof item === 'string' ? item : item.markdown ?? item.text)}</li>`);
      return block.ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`;
    }
    case 'image': {
      const renditions = block.renditions || {};
      const widths = Object.keys(renditions).map(Number).sort((a, b) => a - b);
      const best = widths.find((width) => width >= 960) || widths[widths.length - 1];
      const src = best !== undefined ? localMedia(renditions[String(best)]) : null;
      return html`<figure class="preview-figure">
        ${src ? html`<img src=${src} alt=${block.decorative ? '' : block.alt || ''} />` : html`<p class="muted">[Image: ${block.alt || 'no alt text'}]</p>`}
        ${(block.caption || block.credit) && html`<figcaption>${block.caption}${block.caption && block.credit ? ' ' : ''}${block.credit && html`<span class="muted">${block.credit}</span>`}</figcaption>`}
      </figure>`;
    }
    default:
      return null;
  }
}

function byline(authors) {
  const names = (authors || []).map((author) => author.display_name || author.name).filter(Boolean);
  if (names.length === 0) return '';
  if (names.length === 1) return `By ${names[0]}`;
  return `By ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The article as a reader sees it. `article` has the GET document's shape
 * (title, standfirst, authors, tags, feature_image, sections with heading,
 * icon and blocks); list items may be plain Markdown strings.
 */
export function Preview({ article }) {
  const primary = (article.tags || [])[0];
  return html`<article class="preview" aria-labelledby="preview-title" tabindex="0">
    <p class="preview-label">Preview — not saved until you save</p>
    ${primary && html`<p class="preview-kicker">${primary.name}</p>`}
    <h2 id="preview-title" class="preview-title">${article.title || 'Untitled'}</h2>
    ${article.standfirst && html`<p class="standfirst">${article.standfirst}</p>`}
    ${(article.authors || []).length > 0 && html`<p class="preview-byline">${byline(article.authors)}</p>`}
    <${FeatureImage} image=${article.feature_image} />
    ${(article.sections || []).map((section) => html`<section>
      ${(section.heading || section.icon) && html`<h3>${section.icon && html`<span class="section-icon" aria-hidden="true">${section.icon} </span>`}${section.heading}</h3>`}
      ${section.blocks.map((block) => html`<${Block} block=${block} />`)}
    </section>`)}
  </article>`;
}

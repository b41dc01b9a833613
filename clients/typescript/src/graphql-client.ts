// A typed GraphQL client in a dozen lines: documents written with `graphql()`
// are typed by GraphQL Code Generator (`npm run generate`), so a misspelt
// field or a wrong variable fails `tsc`, not a reader's page.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

import { graphql } from "./generated/graphql/index.js";

export async function request<Result, Variables>(
  endpoint: string,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const answer = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (answer.errors?.length || answer.data === undefined) {
    throw new Error(answer.errors?.map((error) => error.message).join("; ") ?? `HTTP ${response.status}`);
  }
  return answer.data;
}

export const ArticlePage = graphql(`
  query ArticlePage($slug: String!) {
    article(slug: $slug) {
      id
      title
      standfirst
      publishedAt
      sections {
        heading
        icon
        blocks {
          __typename
          ... on Paragraph { html }
          ... on PullQuote { text speaker context }
          ... on List { ordered items { html } }
          ... on ImageBlock { alt srcset width height caption credit }
        }
      }
    }
  }
`);

/** Renders one article's body; `__typename` narrows each block. */
export async function articleHtml(endpoint: string, slug: string): Promise<string | null> {
  const { article } = await request(endpoint, ArticlePage, { slug });
  if (!article) return null;
  const body = article.sections.flatMap((section) => [
    section.heading ? `<h2>${section.icon ?? ""} ${section.heading}</h2>` : "",
    ...section.blocks.map((block) => {
      switch (block.__typename) {
        case "Paragraph":
          return `<p>${block.html}</p>`;
        case "PullQuote":
          return `<blockquote>${block.text}<cite>${block.speaker ?? ""}</cite></blockquote>`;
        case "List": {
          const items = block.items.map((item) => `<li>${item.html}</li>`).join("");
          return block.ordered ? `<ol>${items}</ol>` : `<ul>${items}</ul>`;
        }
        case "ImageBlock": {
          const caption = [block.caption, block.credit].filter(Boolean).join(" ");
          const img = `<img srcset="${block.srcset}" width="${block.width}" height="${block.height}" alt="${block.alt ?? ""}">`;
          return `<figure>${img}${caption ? `<figcaption>${caption}</figcaption>` : ""}</figure>`;
        }
        default: {
          const unhandled: never = block;
          return unhandled;
        }
      }
    }),
  ]);
  return `<h1>${article.title}</h1>${body.join("")}`;
}

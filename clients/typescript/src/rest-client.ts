// A typed REST client: `openapi-typescript` turns /api/v1/openapi.json
// (`masthead openapi`) into `paths`, and `openapi-fetch` checks every path,
// parameter, body and answer against it.
import createClient from "openapi-fetch";

import type { paths } from "./generated/rest.js";

/** `baseUrl` ends in `/api/v1`, e.g. `http://127.0.0.1:8080/api/v1`. */
export function masthead(baseUrl: string, accessToken?: string) {
  return createClient<paths>({
    baseUrl,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
}

/** The newest headlines: every field of a list item is typed, none optional. */
export async function headlines(baseUrl: string): Promise<string[]> {
  const { data, error } = await masthead(baseUrl).GET("/articles", {
    params: { query: { limit: 10 } },
  });
  if (error) throw new Error(`${error.code}: ${error.detail ?? error.title}`);
  return data.data.map((article) => `${article.title} (/${article.slug})`);
}

/** Reads an article, changes its title and saves it: PUT takes what GET returns. */
export async function retitle(baseUrl: string, token: string, id: string, title: string) {
  const client = masthead(baseUrl, token);
  const read = await client.GET("/admin/articles/{id}", { params: { path: { id } } });
  if (read.error) throw new Error(read.error.code);
  const saved = await client.PUT("/admin/articles/{id}", {
    params: { path: { id }, header: { "If-Match": `"${read.data.version}"` } },
    body: { ...read.data, title },
  });
  if (saved.error) throw new Error(saved.error.code);
  return saved.data.version;
}

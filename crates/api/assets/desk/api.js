// The desk's one way to the server: REST under /api/v1, with the access token
// (kept in memory by session.js) and problem+json errors turned into ApiError.

const PREFIX = '/api/v1';

/** A refused or failed request: the problem+json answer, readable by screens. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || '';
    this.title = problem.title || '';
    this.problem = problem;
    // Seconds to wait, from Retry-After (429, 503), or null.
    this.retryAfter = retryAfter;
    // field path (as the server names it, e.g. `sections[0].heading`) -> message
    this.fields = {};
    for (const error of problem.errors || []) {
      if (error.field && !(error.field in this.fields)) this.fields[error.field] = error.message;
    }
  }
}

let tokenSource = () => null;
let onUnauthenticated = async () => false;

/** session.js tells api.js how to find the token and how to renew it once. */
export function configure({ token, renew }) {
  tokenSource = token;
  onUnauthenticated = renew;
}

/**
 * One request. `body` is sent as JSON; `ifMatch` is the version a write
 * started from. Answers `{ status, data, etag }` for 2xx; throws ApiError
 * otherwise. A 401 renews the session once and retries.
 */
export async function api(method, path, { body, ifMatch, headers = {}, retried = false } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  const token = tokenSource();
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  if (ifMatch !== undefined && ifMatch !== null) sent['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(PREFIX + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, { title: 'The server cannot be reached', detail: String(error.message || error) }, null);
  }
  if (response.status === 401 && token && !retried && (await onUnauthenticated())) {
    return api(method, path, { body, ifMatch, headers, retried: true });
  }
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const retry = Number.parseInt(response.headers.get('retry-after') || '', 10);
    throw new ApiError(response.status, data || { title: response.statusText }, Number.isNaN(retry) ? null : retry);
  }
  const etag = (response.headers.get('etag') || '').replace(/^W\//, '').replace(/"/g, '');
  return { status: response.status, data, etag };
}

/** Shorthands. */
export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });
export const put = (path, body, options = {}) => api('PUT', path, { ...options, body });
export const patch = (path, body, options = {}) => api('PATCH', path, { ...options, body });
export const del = (path, options) => api('DELETE', path, options);

/** `?a=1&b=2` from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

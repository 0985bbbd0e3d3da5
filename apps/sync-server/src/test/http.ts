/** A tiny JSON client over real HTTP for the server tests. */
export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty or non-JSON body. */
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** A raw body sent as-is (for malformed JSON and oversized bodies). */
  raw?: string;
}

/** Response bodies are read loosely in tests; the assertions are what check them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiClient {
  baseUrl: string;
  request<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<HttpResult<T>>;
  get<T = Json>(path: string, options?: RequestOptions): Promise<HttpResult<T>>;
  post<T = Json>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResult<T>>;
  patch<T = Json>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResult<T>>;
  put<T = Json>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResult<T>>;
  delete<T = Json>(path: string, options?: RequestOptions): Promise<HttpResult<T>>;
}

export function apiClient(baseUrl: string): ApiClient {
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let payload: string | undefined = options.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (
      payload !== undefined &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    ) {
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  return {
    baseUrl,
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    patch: (path, body, options) => request('PATCH', path, body, options),
    put: (path, body, options) => request('PUT', path, body, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
  };
}

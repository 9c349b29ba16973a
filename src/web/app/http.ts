/** JSON over fetch with the server's error envelope `{ error: { code, message, details } }` turned into ApiError. */

/** An error answered by the API (or NETWORK when the server could not be reached). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
  /** Extra request headers, e.g. `idempotency-key`. */
  headers?: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sends one request and parses the JSON answer; throws ApiError for any non-2xx answer or network failure. */
export async function requestJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    if (err instanceof DOMException && err.name === 'TimeoutError') throw new ApiError(0, 'TIMEOUT', 'timeout');
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : {};
    throw new ApiError(
      res.status,
      typeof error.code === 'string' ? error.code : `HTTP_${res.status}`,
      typeof error.message === 'string' ? error.message : res.statusText,
      isRecord(error.details) ? error.details : {},
    );
  }
  return parsed as T;
}

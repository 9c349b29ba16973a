/**
 * The signed-in session: tokens, the user and their role assignments.
 *
 * - The access token lives in memory only. The refresh token is kept in sessionStorage so a reload of the tab
 *   stays signed in; it dies with the tab and is never put in a URL. (A duplicated tab copies it: the first
 *   tab to refresh wins and the server revokes the session when the other one replays the spent token.)
 * - The access token is refreshed shortly before it expires, and once more on a 401 `access_expired`.
 * - Any other 401 or a failed refresh ends the session locally and shows the login page.
 */
import { useSyncExternalStore } from 'react';
import { ApiError, requestJson, type RequestOptions } from '../../../app/http.ts';
import * as authApi from '../api/auth.api.ts';

const REFRESH_KEY = 'jingwu.refresh';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'expired' | 'logout' }
  | { status: 'authenticated'; accessToken: string; accessExpiresAt: number; me: authApi.Me };

let state: SessionState = { status: 'loading' };
const listeners = new Set<() => void>();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<string> | undefined;

function setState(next: SessionState): void {
  state = next;
  for (const l of listeners) l();
}

/** Current state, for code outside React. */
export function getSession(): SessionState {
  return state;
}

/** Subscribes to session changes (React uses useSession). */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** React hook: the current session state. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession);
}

function storeRefreshToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(REFRESH_KEY, token);
    else sessionStorage.removeItem(REFRESH_KEY);
  } catch {
    // Storage may be disabled (private mode policies); the session then lasts until reload.
  }
}

function readRefreshToken(): string | null {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

/** When to refresh: at 80% of the remaining lifetime and at least a minute before expiry, never sooner than in 5 s. */
export function refreshDelayMs(expiresAt: number, now: number): number {
  const left = expiresAt - now;
  return Math.max(5_000, Math.min(left - 60_000, left * 0.8));
}

async function adopt(grant: authApi.TokenGrant): Promise<void> {
  storeRefreshToken(grant.refreshToken);
  const me = await authApi.me(grant.accessToken);
  const accessExpiresAt = Date.parse(grant.accessTokenExpiresAt);
  setState({ status: 'authenticated', accessToken: grant.accessToken, accessExpiresAt, me });
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(
    () => void refreshNow().catch(() => undefined),
    refreshDelayMs(accessExpiresAt, Date.now()),
  );
}

function endLocally(reason: 'expired' | 'logout'): void {
  clearTimeout(refreshTimer);
  storeRefreshToken(null);
  setState({ status: 'anonymous', reason });
}

/** Signs in; throws ApiError (INVALID_CREDENTIALS, TOTP_REQUIRED, ACCOUNT_LOCKED, …) for the form to show. */
export async function signIn(input: authApi.LoginInput): Promise<void> {
  await adopt(await authApi.login(input));
}

/** Exchanges the refresh token once (concurrent callers share the exchange); resolves to the new access token. */
export function refreshNow(): Promise<string> {
  refreshing ??= (async () => {
    const token = readRefreshToken();
    if (!token) {
      endLocally('expired');
      throw new ApiError(401, 'SESSION_EXPIRED', 'No refresh token');
    }
    try {
      const grant = await authApi.refresh(token);
      await adopt(grant);
      return grant.accessToken;
    } catch (err) {
      // A network failure keeps the session (the next attempt may work); an answer from the server ends it.
      if (!(err instanceof ApiError) || err.code !== 'NETWORK') endLocally('expired');
      throw err;
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

/** Restores a session after a reload from the tab's refresh token; otherwise shows the login page. */
export async function restoreSession(): Promise<void> {
  if (!readRefreshToken()) {
    setState({ status: 'anonymous' });
    return;
  }
  try {
    await refreshNow();
  } catch {
    if (state.status !== 'authenticated') setState({ status: 'anonymous' });
  }
}

/** Signs out on the server (best effort) and locally. */
export async function signOut(): Promise<void> {
  const current = state;
  endLocally('logout');
  if (current.status === 'authenticated') await authApi.logout(current.accessToken).catch(() => undefined);
}

/** The current access token, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string> {
  if (state.status !== 'authenticated') throw new ApiError(401, 'SESSION_EXPIRED', 'Not signed in');
  if (state.accessExpiresAt - Date.now() < 5_000) return refreshNow();
  return state.accessToken;
}

/** An authenticated JSON request; retries once after refreshing when the access token had just expired. */
export async function authedJson<T>(path: string, opts: Omit<RequestOptions, 'token'> = {}): Promise<T> {
  const token = await accessToken();
  try {
    return await requestJson<T>(path, { ...opts, token });
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'SESSION_EXPIRED') throw err;
    if (err.details.reason !== 'access_expired') {
      endLocally('expired');
      throw err;
    }
    return requestJson<T>(path, { ...opts, token: await refreshNow() });
  }
}

/**
 * An authenticated JSON POST with an Idempotency-Key: one key per user action, reused when that action is retried
 * (also across the token refresh inside authedJson), so the server applies it once.
 */
export function postIdempotent<T>(path: string, body: unknown, key: string, timeoutMs = 30_000): Promise<T> {
  return authedJson<T>(path, {
    method: 'POST',
    body,
    headers: { 'idempotency-key': key },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** Re-reads /api/auth/me (after a password change, for instance). */
export async function reloadMe(): Promise<void> {
  if (state.status !== 'authenticated') return;
  const me = await authedJson<authApi.Me>('/api/auth/me');
  if (state.status === 'authenticated') setState({ ...state, me });
}

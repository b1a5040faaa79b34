/** The reviewer's keys live in this tab's sessionStorage only: closing the tab or signing out forgets them. */
export interface Credentials {
  apiKey: string;
  appKey: string;
}

const KEY = 'steward.credentials';

export function loadCredentials(storage: Storage = sessionStorage): Credentials | undefined {
  try {
    const parsed = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<Credentials> | null;
    if (parsed && typeof parsed.apiKey === 'string' && typeof parsed.appKey === 'string' && parsed.apiKey && parsed.appKey) {
      return { apiKey: parsed.apiKey, appKey: parsed.appKey };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function saveCredentials(credentials: Credentials, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify(credentials));
}

/** Signing out (or refused keys) ends the tab's session: the keys go, and so does what it counted (the review queue's). */
export function clearCredentials(storage: Storage = sessionStorage): void {
  storage.clear();
}

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Credentials } from '../session.js';

interface Props {
  message?: string;
  onSignIn: (credentials: Credentials) => void;
}

/** Asks for the two keys; they are checked by the first API call, which sends the reviewer back here on 401/403. */
export function SignIn({ message, onSignIn }: Props) {
  const [apiKey, setApiKey] = useState('');
  const [appKey, setAppKey] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <main id="main" class="signin">
      <form
        class="card signin-card"
        aria-labelledby="signin-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (apiKey.trim() && appKey.trim()) onSignIn({ apiKey: apiKey.trim(), appKey: appKey.trim() });
        }}
      >
        <h1 id="signin-title" tabIndex={-1} ref={heading}>
          Steward review console
        </h1>
        <p class="muted">Sign in with the API key and application key of your organization.</p>
        {message && (
          <p class="notice" role="alert">
            {message}
          </p>
        )}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
        <label for="app-key">Application key</label>
        <input
          id="app-key"
          name="app-key"
          type="password"
          autoComplete="off"
          required
          value={appKey}
          onInput={(e) => setAppKey(e.currentTarget.value)}
        />
        <p class="hint">The keys stay in this browser tab (session storage) and are sent only to this server.</p>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}

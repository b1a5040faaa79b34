import { useMemo, useState } from 'preact/hooks';
import { createApi, type ApiError } from '../api.js';
import { clearCredentials, loadCredentials, saveCredentials, type Credentials } from '../session.js';
import { useLocationState } from '../router.js';
import { SignIn } from './SignIn.js';
import { Layout } from './Layout.js';
import { FindingsPage } from './FindingsPage.js';
import { OverviewPage } from './OverviewPage.js';
import { OwnersIndexPage } from './OwnersIndexPage.js';
import { SettingsPage } from './SettingsPage.js';
import { ReviewPage } from './ReviewPage.js';
import { OwnerPage } from './OwnerPage.js';
import { ResourcePage } from './ResourcePage.js';

export function App() {
  const [credentials, setCredentials] = useState<Credentials | undefined>(() => loadCredentials());
  const [signInMessage, setSignInMessage] = useState<string>();
  // The address holds the whole view; without keys it waits behind the sign-in and opens once signed in.
  const place = useLocationState();
  const { route } = place;

  const api = useMemo(
    () =>
      credentials &&
      createApi(credentials, {
        onAuthFailure: (error: ApiError) => {
          clearCredentials();
          setCredentials(undefined);
          setSignInMessage(
            error.status === 401
              ? 'The server asked for both keys again. Please sign in.'
              : 'The server refused these keys (unknown or revoked). Please sign in with valid keys.',
          );
        },
      }),
    [credentials],
  );

  if (!credentials || !api) {
    return (
      <SignIn
        message={signInMessage}
        onSignIn={(c) => {
          saveCredentials(c);
          setSignInMessage(undefined);
          setCredentials(c);
        }}
      />
    );
  }

  const signOut = () => {
    clearCredentials();
    setSignInMessage('You are signed out. The keys were removed from this browser tab.');
    setCredentials(undefined);
  };

  return (
    <Layout route={route} onSignOut={signOut}>
      {route === 'findings' && <FindingsPage api={api} params={place.params} />}
      {route === 'review' && <ReviewPage api={api} params={place.params} />}
      {route === 'owners' && <OwnersIndexPage api={api} />}
      {route === 'overview' && <OverviewPage api={api} />}
      {route === 'settings' && <SettingsPage api={api} />}
      {route === 'resource' && place.id && <ResourcePage key={place.id} api={api} resourceId={place.id} params={place.params} />}
      {(route === 'team' || route === 'service') && place.id && (
        <OwnerPage key={`${route}/${place.id}`} api={api} kind={route} handle={place.id} params={place.params} />
      )}
    </Layout>
  );
}

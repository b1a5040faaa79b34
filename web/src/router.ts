import { useEffect, useState } from 'preact/hooks';

// Client-side routes; the server answers index.html for each of them (src/server/routes/console.ts).
export type Route = 'findings' | 'overview' | 'settings';
export const ROUTES: Array<{ route: Route; path: string; label: string }> = [
  { route: 'findings', path: '/', label: 'Findings' },
  { route: 'overview', path: '/overview', label: 'Overview' },
  { route: 'settings', path: '/settings', label: 'Settings' },
];

export function routeOf(pathname: string): Route {
  const clean = pathname.replace(/\/+$/, '') || '/';
  return ROUTES.find((r) => r.path === clean)?.route ?? 'findings';
}

const EVENT = 'steward:navigate';

export function navigate(path: string): void {
  if (location.pathname !== path) history.pushState(null, '', path);
  dispatchEvent(new Event(EVENT));
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeOf(location.pathname));
    addEventListener('popstate', update);
    addEventListener(EVENT, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}

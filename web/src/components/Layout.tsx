import type { ComponentChildren } from 'preact';
import { navigate, ROUTES, type Route } from '../router.js';

interface Props {
  route: Route;
  onSignOut: () => void;
  children: ComponentChildren;
}

export function Layout({ route, onSignOut, children }: Props) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Steward</span>
        <nav aria-label="Console">
          <ul>
            {ROUTES.map((r) => (
              <li key={r.route}>
                <a
                  href={r.path}
                  aria-current={r.route === route ? 'page' : undefined}
                  onClick={(e) => {
                    if (e.metaKey || e.ctrlKey || e.shiftKey) return;
                    e.preventDefault();
                    navigate(r.path);
                  }}
                >
                  {r.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="ghost" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

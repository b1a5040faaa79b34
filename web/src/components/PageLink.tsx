import type { ComponentChildren } from 'preact';
import { navigate } from '../router.js';

/** A link to another page of the console: a plain link (new tab, copy) that navigates in place on a plain click. */
export function PageLink({ path, class: className, children }: { path: string; class?: string; children: ComponentChildren }) {
  return (
    <a
      href={path}
      class={className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(path);
      }}
    >
      {children}
    </a>
  );
}

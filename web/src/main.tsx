import { options, render } from 'preact';
import { showBidiControls } from './bidi.js';
import { App } from './components/App.js';
import './styles.css';

// Every text node the console renders shows bidi controls instead of obeying them (bidi.ts): a text vnode is the one
// without a type, its props the text. The values of inputs and text areas are props of their element: they keep theirs.
const nextVnodeHook = options.vnode;
options.vnode = (vnode) => {
  const text: unknown = vnode.props;
  if (vnode.type == null && typeof text === 'string') (vnode as { props: unknown }).props = showBidiControls(text);
  nextVnodeHook?.(vnode);
};

render(<App />, document.getElementById('app')!);

// The page: sign-in when a token is required, then the list, a conversation, or the stats, with
// the header, keyboard shortcuts, notifications and dialogs around them.
import { useEffect, useState } from 'preact/hooks';
import type { FacetsResponse } from '../../src/admin/api-types.js';
import { api } from './api.js';
import { ConfirmDialog } from './components/ConfirmDialog.js';
import { ConversationView } from './components/ConversationView.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { confirmDelete, ListView } from './components/ListView.js';
import { StatsView } from './components/StatsView.js';
import { Toasts } from './components/Toasts.js';
import { TokenGate } from './components/TokenGate.js';
import { registerKeys, setGlobalKeys } from './keyboard.js';
import { useObservable } from './observable.js';
import { list, refreshPreview, reload, reviewItem, setFocus, toggleSelected, undoLastReview } from './review-store.js';
import { listHash, navigate, route } from './route.js';
import { confirmRequest } from './toasts.js';

type Session = 'checking' | 'signed-out' | 'ready';

function useListKeys(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    return registerKeys((key) => {
      const state = list.get();
      const item = state.items[state.focus];
      switch (key) {
        case 'j':
        case 'ArrowDown':
          setFocus(state.focus + 1);
          return true;
        case 'k':
        case 'ArrowUp':
          setFocus(state.focus - 1);
          return true;
        case 'Enter':
        case 'o':
          if (item) navigate(`#/c/${encodeURIComponent(item.id)}`);
          return true;
        // One key per item: review it and move on to the next.
        case 'c':
        case 'x':
          if (item) {
            void reviewItem(item.id, key === 'c' ? 'confirmed' : 'rejected');
            setFocus(state.focus + 1);
          }
          return true;
        case 'u':
          if (item) void reviewItem(item.id, 'pending');
          return true;
        case 'z':
          void undoLastReview().then((ids) => {
            const index = list.get().items.findIndex((candidate) => ids.includes(candidate.id));
            if (index !== -1) setFocus(index);
          });
          return true;
        case ' ':
          if (item) toggleSelected(item.id);
          return true;
        case '#':
        case 'Delete':
          if (item) void confirmDelete([item.id]);
          return true;
        default:
          return false;
      }
    });
  }, [active]);
}

export function App() {
  const [session, setSession] = useState<Session>('checking');
  const [version, setVersion] = useState('');
  const [facets, setFacets] = useState<FacetsResponse | null>(null);
  const [help, setHelp] = useState(false);
  const current = useObservable(route);
  const state = useObservable(list);

  const start = () => {
    setSession('ready');
    void reload();
    api.facets().then(setFacets).catch(() => undefined);
  };

  useEffect(() => {
    api
      .session()
      .then((answer) => {
        setVersion(answer.version);
        if (answer.authenticated) start();
        else setSession('signed-out');
      })
      .catch(() => start());
    const signedOut = () => setSession('signed-out');
    window.addEventListener('llmproxy:unauthorized', signedOut);
    return () => window.removeEventListener('llmproxy:unauthorized', signedOut);
  }, []);

  // Refresh the filter menus when coming back to the list (new models may have been recorded).
  useEffect(() => {
    if (session === 'ready' && current.name === 'list') {
      api.facets().then(setFacets).catch(() => undefined);
      void refreshPreview(0);
    }
  }, [current.name, session]);

  useListKeys(session === 'ready' && current.name === 'list' && !help);

  useEffect(() => {
    let pendingG = false;
    setGlobalKeys((key) => {
      if (confirmRequest.get() !== null) return key !== 'Escape' && key !== 'Enter' && key !== 'Tab';
      if (key === '?') {
        setHelp((open) => !open);
        return true;
      }
      if (help) {
        if (key === 'Escape') setHelp(false);
        return true;
      }
      if (pendingG) {
        pendingG = false;
        if (key === 's') navigate('#/stats');
        if (key === 'l') navigate(listHash(list.get().filter, list.get()));
        return true;
      }
      if (key === 'g') {
        pendingG = true;
        setTimeout(() => (pendingG = false), 1_000);
        return true;
      }
      if (key === '/') {
        if (route.get().name !== 'list') navigate(listHash(list.get().filter, list.get()));
        setTimeout(() => document.getElementById('search')?.focus(), 0);
        return true;
      }
      if (key === 'Escape' && route.get().name === 'stats') {
        navigate(listHash(list.get().filter, list.get()));
        return true;
      }
      return false;
    });
  }, [help]);

  if (session === 'checking') return <div class="loading page-loading">Loading…</div>;
  if (session === 'signed-out') return <TokenGate onSignedIn={start} />;

  return (
    <>
      <header class="topbar">
        <a class="brand" href={listHash(state.filter, state)}>
          <svg viewBox="0 0 32 32" aria-hidden="true" class="brand-mark">
            <rect width="32" height="32" rx="8" />
            <path d="M9 11h14M9 16h10M9 21h6" />
          </svg>
          <span>llm-proxy-sharegpt</span>
          <span class="brand-sub">review</span>
        </a>
        <nav class="nav">
          <a href={listHash(state.filter, state)} class={current.name !== 'stats' ? 'active' : ''}>
            Conversations
          </a>
          <a href="#/stats" class={current.name === 'stats' ? 'active' : ''}>
            Stats
          </a>
        </nav>
        <div class="topbar-right">
          <span class="muted version">{version && `v${version}`}</span>
          <button type="button" class="button button-ghost help-button" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)">
            <kbd>?</kbd> Shortcuts
          </button>
        </div>
      </header>
      <main class="main">
        <div hidden={current.name !== 'list'}>
          <ListView state={state} facets={facets} visible={current.name === 'list'} />
        </div>
        {current.name === 'conversation' && <ConversationView id={current.id} />}
        {current.name === 'stats' && <StatsView />}
      </main>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      <ConfirmDialog />
      <Toasts />
    </>
  );
}

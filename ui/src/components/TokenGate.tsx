// Sign-in when the server requires the admin token: the token is exchanged for an HttpOnly cookie
// and never stored by the page.
import { useState } from 'preact/hooks';
import { api } from '../api.js';

export function TokenGate({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="gate">
      <form
        class="dialog"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await api.signIn(token);
            onSignedIn();
          } catch (failure) {
            setError((failure as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>Admin token</h2>
        <p class="muted">This review UI is protected. Enter the admin token it was started with (--admin-token or ADMIN_TOKEN).</p>
        <input
          class="input"
          type="password"
          autocomplete="current-password"
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          aria-label="Admin token"
          autofocus
        />
        {error && <p class="error-text">{error}</p>}
        <div class="dialog-actions">
          <button class="button button-primary" type="submit" disabled={busy || token === ''}>
            Sign in
          </button>
        </div>
      </form>
    </main>
  );
}

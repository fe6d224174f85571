export const SHORTCUTS: ReadonlyArray<[string, string]> = [
  ['j / ↓', 'next conversation'],
  ['k / ↑', 'previous conversation'],
  ['Enter / o', 'open the conversation'],
  ['Esc', 'back to the list / close'],
  ['c', 'confirm and go to the next'],
  ['x', 'reject and go to the next'],
  ['z', 'undo the last review'],
  ['u', 'reset to pending'],
  ['Space', 'select / unselect (list)'],
  ['e', 'edit the last answer (conversation)'],
  ['r', 'raw request / response (conversation)'],
  ['#', 'delete (asks first)'],
  ['/', 'search'],
  ['g s', 'stats · g l list'],
  ['?', 'this help'],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div class="overlay" onClick={(event) => event.target === event.currentTarget && onClose()}>
      <div class="dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, action]) => (
              <tr key={keys}>
                <td>
                  {keys.split(' / ').map((key, index) => (
                    <span key={key}>
                      {index > 0 ? ' / ' : ''}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </td>
                <td>{action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">Confirmed conversations are what the export takes by default. A thread row stands for the records the export keeps: the end of each branch (a failed try beside its retry is left out): c / x review all of them. Edits are exported in every format instead of the original capture, which is kept.</p>
        <div class="dialog-actions">
          <button type="button" class="button button-primary" onClick={onClose}>
            Got it
          </button>
        </div>
      </div>
    </div>
  );
}

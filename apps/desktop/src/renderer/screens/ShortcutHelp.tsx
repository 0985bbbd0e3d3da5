import { Dialog, Kbd } from '@sdr/ui';
import { AREAS } from '../areas.ts';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl';

/** The Leads area's keys (see leads/table-nav.ts). */
const LEAD_SHORTCUTS: [string, string[]][] = [
  ['Leads: next / previous lead', ['j', 'k']],
  ['Leads: open the lead', ['Enter']],
  ['Leads: select the lead', ['x']],
  ['Leads: select all in view', [MOD, 'A']],
  ['Leads: search', ['/']],
  ['Leads: new lead', ['n']],
  ['Leads: command palette', [MOD, 'K']],
];

/** The `?` dialog: every keyboard shortcut the app has. */
export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts">
      <table className="shortcuts">
        <caption className="ui-visually-hidden">Keyboard shortcuts</caption>
        <tbody>
          {AREAS.map((area, index) => (
            <tr key={area.id}>
              <th scope="row">Go to {area.label}</th>
              <td>
                <Kbd>g</Kbd> <Kbd>{area.key}</Kbd>
                <span className="shortcuts__or">or</span>
                <Kbd>{isMac ? '⌘' : 'Ctrl'}</Kbd> <Kbd>{index + 1}</Kbd>
              </td>
            </tr>
          ))}
          {LEAD_SHORTCUTS.map(([label, keys]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>
                {keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 ? ' ' : null}
                    <Kbd>{key}</Kbd>
                  </span>
                ))}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">Show this help</th>
            <td>
              <Kbd>?</Kbd>
            </td>
          </tr>
          <tr>
            <th scope="row">Close a menu or dialog</th>
            <td>
              <Kbd>Esc</Kbd>
            </td>
          </tr>
          <tr>
            <th scope="row">Submit a form</th>
            <td>
              <Kbd>Enter</Kbd>
            </td>
          </tr>
        </tbody>
      </table>
    </Dialog>
  );
}

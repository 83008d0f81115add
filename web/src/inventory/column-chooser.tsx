/** Which inventory columns show; the choice is kept in this browser. */
import type { VisibilityState } from '@tanstack/react-table';
import { COLUMNS } from './columns.js';

export function ColumnChooser(props: {
  visibility: VisibilityState;
  onChange: (v: VisibilityState) => void;
}) {
  const { visibility, onChange } = props;
  const shown = (id: string) => visibility[id] !== false;
  const shownCount = COLUMNS.filter((c) => shown(c.id!)).length;
  return (
    <details className="dropdown right">
      <summary className="btn">Columns</summary>
      <fieldset className="menu">
        <legend className="sr-only">Visible columns</legend>
        {COLUMNS.map((c) => (
          <label key={c.id}>
            <input
              type="checkbox"
              checked={shown(c.id!)}
              // The last visible column stays: a table without columns shows nothing to click.
              disabled={shown(c.id!) && shownCount === 1}
              onChange={(e) => onChange({ ...visibility, [c.id!]: e.target.checked })}
            />
            <span className="grow">{String(c.header)}</span>
          </label>
        ))}
      </fieldset>
    </details>
  );
}

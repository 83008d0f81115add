/** Suppliers whose engineers reach the plant through the gateway; administrators add them. */
import type { FormEvent } from 'react';
import { postJson } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { FormError } from '../ui/form-error.js';
import { Load } from '../ui/states.js';
import { useAction } from './action.js';
import type { AccessMe, Items, Named } from './types.js';

export function SuppliersSection({ me }: { me: AccessMe }) {
  const [suppliers, reload] = useApi<Items<Named>>('/api/access/suppliers');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void run(
      () =>
        postJson('/api/access/suppliers', {
          id: String(f.get('id') ?? ''),
          name: String(f.get('name') ?? ''),
        }),
      () => {
        form.reset();
        reload();
      },
    );
  };
  return (
    <>
      <section className="card" aria-labelledby="suppliers-h">
        <h2 id="suppliers-h">Suppliers</h2>
        <Load value={suppliers} what="the suppliers" retry={reload}>
          {({ items }) =>
            items.length === 0 ? (
              <p className="muted">No supplier yet.</p>
            ) : (
              <table className="grid-table">
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Name</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={s.id}>
                      <td className="mono">{s.id}</td>
                      <td>{s.name}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Load>
      </section>
      {me.role === 'admin' ? (
        <section className="card" aria-labelledby="add-supplier-h">
          <h2 id="add-supplier-h">Add a supplier</h2>
          <form className="form row" onSubmit={submit}>
            <label>
              Id
              <input name="id" required maxLength={128} placeholder="acme" />
            </label>
            <label>
              Name
              <input name="name" required maxLength={200} placeholder="Acme Automation" />
            </label>
            <button type="submit" className="btn primary" disabled={busy}>
              Add supplier
            </button>
          </form>
          <FormError error={error} />
        </section>
      ) : null}
    </>
  );
}

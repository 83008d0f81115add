/** Paging back through a newest-first list by the last row shown, and back to the newest. */
export function OlderNewest<K>({
  paged,
  last,
  onPage,
}: {
  /** Whether this page is not the newest. */
  paged: boolean;
  /** The key to page back from (the last row of a full page), or undefined when this is the oldest. */
  last: K | undefined;
  onPage: (before: K | undefined) => void;
}) {
  if (!paged && last === undefined) return null;
  return (
    <div className="actions">
      {paged ? (
        <button type="button" className="btn small" onClick={() => onPage(undefined)}>
          Newest
        </button>
      ) : null}
      {last !== undefined ? (
        <button type="button" className="btn small" onClick={() => onPage(last)}>
          Older
        </button>
      ) : null}
    </div>
  );
}

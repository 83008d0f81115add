/** A grant's states: asked for, then approved or denied; an approved one may be revoked. */
export const GRANT_STATUSES = ['pending', 'approved', 'denied', 'revoked'] as const;

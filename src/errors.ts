/**
 * DOMAIN_ERRORS are the SQLSTATE codes our SQL raises on purpose (see sql/0002_users.sql and
 * sql/0011_access_hardening.sql). Their messages are written for the client, so the API passes
 * them through in every mode.
 */
export const DOMAIN_ERRORS = {
  LOGIN: 'not signed in',
  TOKEN: 'the token names no user, or a role that is not the user’s',
  DENYD: 'signed in, but not allowed to do this',
  NTFND: 'no such row, or not one you may see',
  BADIN: 'a bad argument',
  ILLTR: 'an illegal booking state transition',
  OVLAP: 'the tutor already has a session at that time',
  DUPRQ: 'the student already has an open request with that tutor at an overlapping time',
} as const;

/** DomainErrorCode is one of the codes in DOMAIN_ERRORS. */
export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

/**
 * isClientError says whether a Postgres error is about the caller's input, so its message can
 * be shown: our domain codes, and Postgres's data exceptions (class 22: bad dates, NUL bytes)
 * and integrity violations (class 23). Everything else is an internal error.
 */
export function isClientError(code: unknown): code is string {
  return typeof code === 'string' && (code in DOMAIN_ERRORS || /^2[23]/.test(code));
}

import type { IncomingHttpHeaders } from 'node:http';
import type { KeyRecord } from '@sp/permissions';

/**
 * What passport authenticates: the request's headers and its connection, in an object whose shape
 * is fixed up front.
 *
 * passport.authenticate stores seven properties on the object it is given (login, logIn, logout,
 * logOut, isAuthenticated, isUnauthenticated, _sessionManager) plus the assigned user. Done to
 * Node's request object, that reshapes every request after express has already shaped it, which
 * the gateway measured as its costliest step (BENCHMARKS.md). Declared here, passport's stores are
 * plain field writes, and the request stays as Node and express made it.
 */
export class AuthAttempt {
  login: unknown = undefined;
  logIn: unknown = undefined;
  logout: unknown = undefined;
  logOut: unknown = undefined;
  isAuthenticated: unknown = undefined;
  isUnauthenticated: unknown = undefined;
  _sessionManager: unknown = undefined;
  /** Set by passport (assignProperty) when the strategy succeeds. */
  spKey: KeyRecord | undefined = undefined;

  /** `connection`: the request's socket, the scope of the strategy's per-connection hash memo. */
  constructor(
    readonly headers: IncomingHttpHeaders,
    readonly connection: object | null,
  ) {}
}

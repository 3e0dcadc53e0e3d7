import type { KeyRecord } from '@sp/permissions';
import { RequestHeaders } from './request-headers';

/**
 * What passport authenticates: the request's headers and its connection, in an object whose shape
 * is fixed up front, reused from one request to the next (`reset`).
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
    public headers: RequestHeaders = new RequestHeaders(),
    public connection: object | null = null,
  ) {}

  /**
   * Ready for another request: every field back to its initial value. One attempt can serve every
   * request because passport and the strategy decide synchronously, within one call.
   */
  reset(headers: RequestHeaders, connection: object | null): this {
    this.login = this.logIn = this.logout = this.logOut = undefined;
    this.isAuthenticated = this.isUnauthenticated = this._sessionManager = undefined;
    this.spKey = undefined;
    this.headers = headers;
    this.connection = connection;
    return this;
  }
}

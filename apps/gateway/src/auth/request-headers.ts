/**
 * The four request headers the gateway's decision reads, taken from Node's `rawHeaders` in one
 * pass into an object that is reused from one request to the next.
 *
 * `req.headers` is built by Node on first access (every header name matched and lower-cased, an
 * object filled); the benchmark's baseline never builds it, and the decision needs only these four,
 * so reading them straight from the raw list keeps that cost off the request path (BENCHMARKS.md).
 * Repeats follow Node's rules for `req.headers`: Authorization keeps its first value, the others
 * are joined with ", " (so a repeated X-API-Key or X-Consistency-Token is malformed, fail closed).
 */
export class RequestHeaders {
  authorization: string | undefined = undefined;
  apiKey: string | undefined = undefined;
  consistencyToken: string | undefined = undefined;
  forwardedFor: string | undefined = undefined;

  /** Fills this object from `raw` (name, value, name, value...), forgetting the previous request. */
  read(raw: readonly string[]): this {
    this.authorization = this.apiKey = this.consistencyToken = this.forwardedFor = undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i];
      const value = raw[i + 1];
      switch (name.length) {
        case 13:
          if (this.authorization === undefined && isName(name, 'authorization')) this.authorization = value;
          break;
        case 9:
          if (isName(name, 'x-api-key')) this.apiKey = joined(this.apiKey, value);
          break;
        case 19:
          if (isName(name, 'x-consistency-token')) this.consistencyToken = joined(this.consistencyToken, value);
          break;
        case 15:
          if (isName(name, 'x-forwarded-for')) this.forwardedFor = joined(this.forwardedFor, value);
          break;
      }
    }
    return this;
  }

  /** A copy for a request that outlives the synchronous path (it waits for the view). */
  copy(): RequestHeaders {
    return Object.assign(new RequestHeaders(), this);
  }
}

/** Case-insensitive header name equality; `lower` is lower case. Allocates only for a mixed-case name. */
function isName(name: string, lower: string): boolean {
  return name === lower || name.toLowerCase() === lower;
}

function joined(previous: string | undefined, value: string): string {
  return previous === undefined ? value : `${previous}, ${value}`;
}

import { isDatabaseUnavailable } from './http-errors.filter';

describe('isDatabaseUnavailable', () => {
  const named = (name: string, message = 'x', cause?: unknown) => Object.assign(new Error(message), { name, cause });

  it('recognises the driver errors of a database that is down or not answering, also as a cause', () => {
    for (const name of ['MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoPoolClearedError', 'MongoNotConnectedError']) {
      expect(isDatabaseUnavailable(named(name))).toBe(true);
    }
    expect(isDatabaseUnavailable(named('Error', 'wrapped', named('MongoNetworkError')))).toBe(true);
    expect(isDatabaseUnavailable(named('MongooseError', 'Cannot call `keys.find()` before initial connection is complete if `bufferCommands = false`.'))).toBe(true);
  });

  it('leaves every other error a 500', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(named('MongoServerError', 'E11000 duplicate key'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

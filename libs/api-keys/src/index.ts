// Named re-exports (not `export *`): compiled to CommonJS, `export *` reads every name through one
// shared getter, a megamorphic property load on each call; the gateway calls sameText per request.
export { BASE62_ALPHABET, randomBase62, encodeBase62 } from './key-format/base62';
export { KEY_PREFIXES, SECRET_LENGTH, CHECKSUM_LENGTH, API_KEY_LENGTH, generateApiKey, parseApiKey, newKeyId } from './key-format/api-key.format';
export type { GeneratedApiKey } from './key-format/api-key.format';
export { hashApiKey, pepperKey, secretsEqual, sameText } from './hashing/api-key.hasher';

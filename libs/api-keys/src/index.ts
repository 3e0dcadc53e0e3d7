export * from './key-format/base62';
export * from './key-format/api-key.format';
export * from './hashing/api-key.hasher';

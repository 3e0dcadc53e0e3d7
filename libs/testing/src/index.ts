export * from './topic-tap';
export * from './wait-until';
export * from './service-process';
export * from './access-events';
export * from './schemathesis';
export * from './topic-history';
export * from './consumer-group';
export * from './secured-kafka';

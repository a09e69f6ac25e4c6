export * from './check';
export * from './kubernetes-schema-check';

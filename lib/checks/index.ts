export * from './architecture-check';
export * from './capacity-check';
export * from './check';
export * from './data-protection-check';
export * from './host-checks';
export * from './kubernetes-schema-check';
export * from './promises-check';
export * from './security-policy-check';

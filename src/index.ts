export * from './callback-management';
export * from './operations-options';

export * from './callback-management';

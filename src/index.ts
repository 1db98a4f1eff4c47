export type { AdmissionPolicy } from './admission-policy';
export { WhenClosed } from './admission-policy';
export * from './callback-management';
export * from './operations-options';
export { CallbackPromptSets, Prompt, PromptKind } from './prompts';
export type { CallbackPrompts } from './prompts';
export { SpeechEngine } from './voice';
export type { Voice } from './voice';

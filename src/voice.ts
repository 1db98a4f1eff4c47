/** The Amazon Polly engine a voice speaks with (UpdateContactTextToSpeechVoice's TextToSpeechEngine). */
export enum SpeechEngine {
  /** The standard engine. */
  STANDARD = 'Standard',
  /** The neural engine: more natural; not every voice has it. */
  NEURAL = 'Neural',
  /** The generative engine (billed by Amazon Polly outside Amazon Connect's next generation plan). */
  GENERATIVE = 'Generative',
}

/**
 * The text-to-speech voice of a flow, which Amazon Connect's "Set voice" block (UpdateContactTextToSpeechVoice) sets
 * at the flow's start. The voice fixes the language: that action has no language of its own.
 */
export interface Voice {
  /** An Amazon Polly voice id, e.g. 'Joanna' (US English, Amazon Connect's default) or 'Lupe' (US Spanish). */
  readonly voiceId: string;

  /**
   * The engine; the voice must have it, or Amazon Connect takes the block's error branch and the flow speaks in the
   * voice it had before.
   *
   * @default - none given: the voice's standard engine, unless the instance's "Use the best available voice" setting picks its neural one
   */
  readonly engine?: SpeechEngine;
}

export const DEFAULT_VOICE: Voice = { voiceId: 'Joanna' };

interface KnownVoice {
  readonly language: string;
  readonly engines: readonly SpeechEngine[];
}

const S = SpeechEngine.STANDARD;
const N = SpeechEngine.NEURAL;
const voices = (language: string, engines: readonly SpeechEngine[], ...ids: string[]) =>
  ids.map((id): [string, KnownVoice] => [id, { language, engines }]);

/**
 * Amazon Polly voices by language, with the standard and neural engines each has, from the Amazon Polly Developer
 * Guide's voice list (awsdocs/amazon-polly-developer-guide, doc_source/voicelist.md, June 2023; the current page is
 * https://docs.aws.amazon.com/polly/latest/dg/available-voices.html). That list predates some voices and engines (the
 * generative one among them): a voice it does not have, or an engine it does not give a voice, is a warning, not an error.
 */
const KNOWN_VOICES: ReadonlyMap<string, KnownVoice> = new Map([
  ...voices('en-US', [S, N], 'Joanna', 'Matthew', 'Salli', 'Kendra', 'Kimberly', 'Joey'),
  ...voices('en-US', [N], 'Kevin'),
  ...voices('en-GB', [S, N], 'Amy', 'Emma', 'Brian'),
  ...voices('en-GB', [N], 'Arthur'),
  ...voices('en-AU', [N], 'Olivia'),
  ...voices('en-AU', [S], 'Nicole', 'Russell'),
  ...voices('es-ES', [S, N], 'Lucia'),
  ...voices('es-ES', [S], 'Conchita', 'Enrique'),
  ...voices('es-US', [S, N], 'Lupe'),
  ...voices('es-US', [S], 'Penelope', 'Miguel'),
  ...voices('es-MX', [S], 'Mia'),
  ...voices('fr-FR', [S, N], 'Lea'),
  ...voices('fr-FR', [S], 'Celine', 'Mathieu'),
  ...voices('fr-CA', [N], 'Gabrielle'),
  ...voices('fr-CA', [S], 'Chantal'),
  ...voices('de-DE', [S, N], 'Vicki'),
  ...voices('de-DE', [S], 'Marlene', 'Hans'),
  ...voices('it-IT', [S, N], 'Bianca'),
  ...voices('it-IT', [S], 'Carla', 'Giorgio'),
  ...voices('pt-BR', [S, N], 'Camila'),
  ...voices('pt-BR', [S], 'Vitoria', 'Ricardo'),
]);

export interface VoiceCheck {
  /** The voice's language, when the table knows the voice. */
  readonly language?: string;
  /** What could not be checked, or looks wrong without being certainly so. */
  readonly warnings: string[];
}

/** Checks a voice prop; `prop` names it in messages. */
export function checkVoice(voice: Voice, prop: string): VoiceCheck {
  if (typeof voice?.voiceId !== 'string' || !/^[A-Za-z]{2,40}$/.test(voice.voiceId)) {
    throw new Error(`${prop}.voiceId must be an Amazon Polly voice id such as 'Joanna' or 'Lupe', got ${JSON.stringify(voice?.voiceId)}`);
  }
  if (voice.engine !== undefined && !Object.values(SpeechEngine).includes(voice.engine)) {
    throw new Error(`${prop}.engine must be a SpeechEngine, got ${JSON.stringify(voice.engine)}`);
  }
  const known = KNOWN_VOICES.get(voice.voiceId);
  if (!known) {
    return { warnings: [`${prop}: ${voice.voiceId} is not in the library's table of Amazon Polly voices, so neither its language nor its engine is checked`] };
  }
  const warnings: string[] = [];
  if (voice.engine === SpeechEngine.GENERATIVE) {
    warnings.push(`${prop}: the library's table of Amazon Polly voices does not say whether ${voice.voiceId} has the generative engine`);
  } else if (voice.engine !== undefined && !known.engines.includes(voice.engine)) {
    warnings.push(`${prop}: Amazon Polly's voice list gives ${voice.voiceId} the ${known.engines.join(' and ')} engine${known.engines.length > 1 ? 's' : ''} only, `
      + `not ${voice.engine}: if it still has none, Set voice takes its error branch and the flow speaks in the voice it had`);
  }
  return { language: known.language, warnings };
}

/** A BCP 47 locale the runtime formats times in; `languageOfVoice` (e.g. 'es-US') must share its language. */
export function checkLocale(locale: string, languageOfVoice: string | undefined, voiceProp: string): string {
  let canonical: string;
  try {
    [canonical] = Intl.getCanonicalLocales(locale);
  } catch {
    throw new Error(`locale must be a BCP 47 locale such as 'en-US' or 'es-US', got '${locale}'`);
  }
  if (canonical === undefined || Intl.DateTimeFormat.supportedLocalesOf(canonical).length === 0) {
    throw new Error(`locale must be a BCP 47 locale such as 'en-US' or 'es-US', got '${locale}'`);
  }
  const language = (tag: string) => tag.split('-')[0].toLowerCase();
  if (languageOfVoice !== undefined && language(canonical) !== language(languageOfVoice)) {
    throw new Error(`locale '${canonical}' does not match ${voiceProp}, whose language is ${languageOfVoice}: times would be worded in another language than the voice speaks`);
  }
  return canonical;
}

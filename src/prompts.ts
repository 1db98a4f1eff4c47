import { Token } from 'aws-cdk-lib';

/** How a prompt is spoken. */
export enum PromptKind {
  /** Text-to-speech from plain text (the flow's `Text`). */
  TEXT = 'TEXT',
  /** Text-to-speech from SSML (the flow's `SSML`). */
  SSML = 'SSML',
  /** A recorded prompt of the instance's prompt library (the flow's `PromptId`). */
  AUDIO = 'AUDIO',
}

/**
 * One thing a contact flow says: text or SSML read by Amazon Polly in the flow's voice, or an audio prompt of the
 * instance's prompt library.
 *
 * Text and SSML may hold placeholders in braces, which the flow fills in when it speaks:
 * - `{callbackNumber}`: the number the callback is for, as its country writes it, e.g. "(312) 555-0100" (prompts that
 *   follow a booking, and the agent's "being dialled" whisper);
 * - `{requestedAt}`: when the pending callback was asked for, worded in the construct's `locale` and `timeZone`
 *   ("2:05 PM", or "Monday 2:05 PM" on another day);
 * - `{enteredNumber}`: the number the caller typed, in E.164 (the number confirmation only).
 * Which prompt may use which placeholder follows from the flow: a placeholder is refused at synth, naming the prompt,
 * where the value is not known on every path to it. Audio prompts carry none.
 */
export class Prompt {
  /** Plain text, spoken by text-to-speech. */
  public static text(text: string): Prompt {
    return new Prompt(PromptKind.TEXT, text);
  }

  /**
   * SSML, enclosed in `<speak>`, using only the tags Amazon Connect supports: speak, break, lang, mark, p, phoneme,
   * prosody, s, say-as, sub, w and amazon:effect (whispered, standard voices only).
   */
  public static ssml(ssml: string): Prompt {
    return new Prompt(PromptKind.SSML, ssml);
  }

  /**
   * An audio prompt of the instance's prompt library, by its ARN
   * (`arn:aws:connect:<region>:<account>:instance/<instance id>/prompt/<prompt id>`, e.g. a `CfnPrompt`'s `attrPromptArn`).
   */
  public static audio(promptArn: string): Prompt {
    return new Prompt(PromptKind.AUDIO, promptArn);
  }

  /** Text, SSML or audio. */
  public readonly kind: PromptKind;
  /** The text, the SSML, or the prompt's ARN. */
  public readonly value: string;

  private constructor(kind: PromptKind, value: string) {
    this.kind = kind;
    this.value = value;
  }
}

/**
 * What the contact flows say, one field per prompt. A field left out says its default, today's English text (the
 * fields of `CallbackPromptSets.ENGLISH_US`). `CallbackPromptSets.SPANISH_US` is a complete set in US Spanish.
 */
export interface CallbackPrompts {
  /**
   * set-callback: the first menu.
   * @default Prompt.text('To be called back on the number you are calling from, press 1. To enter a different number, press 2.')
   */
  readonly chooseNumber?: Prompt;
  /**
   * set-callback: the menu again, after no or another key.
   * @default Prompt.text('Sorry, I did not get that. To be called back on the number you are calling from, press 1. To enter a different number, press 2.')
   */
  readonly chooseNumberAgain?: Prompt;
  /**
   * set-callback: asks for another number.
   * @default Prompt.text('Please enter the phone number we should call you back on, followed by the hash key.')
   */
  readonly enterNumber?: Prompt;
  /**
   * set-callback: asks for the number again, after one Connect could not validate or the caller rejected.
   * @default Prompt.text('Sorry, that did not work. Please enter the phone number we should call you back on, followed by the hash key.')
   */
  readonly enterNumberAgain?: Prompt;
  /**
   * set-callback: reads the entered number back (placeholder `{enteredNumber}`).
   * @default Prompt.ssml('<speak>You entered <say-as interpret-as="telephone">{enteredNumber}</say-as>. If that is right, press 1. To enter it again, press 2.</speak>')
   */
  readonly confirmNumber?: Prompt;
  /**
   * set-callback: the callback is booked and queued (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('Thank you. We will call you back on {callbackNumber} as soon as an agent is free. You can hang up now.')
   */
  readonly callbackBooked?: Prompt;
  /**
   * set-callback: the callback could not be booked; the caller is put through to the queue.
   * @default Prompt.text('Sorry, we could not book your callback. Please stay on the line for the next available agent.')
   */
  readonly bookingFailed?: Prompt;
  /**
   * set-callback: the caller's number already has a pending callback (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('You already asked for a callback at {requestedAt} and it is still waiting for the next agent. To cancel it, press 1. To keep it, press 2.')
   */
  readonly offerCancel?: Prompt;
  /**
   * set-callback: the cancel menu again (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('Sorry, I did not get that. You already asked for a callback at {requestedAt} and it is still waiting for the next agent. To cancel it, press 1. To keep it, press 2.')
   */
  readonly offerCancelAgain?: Prompt;
  /**
   * set-callback: the callback was cancelled.
   * @default Prompt.text('Your callback has been cancelled. Thank you for calling. Goodbye.')
   */
  readonly callbackCancelled?: Prompt;
  /**
   * set-callback: the callback was no longer waiting when the caller cancelled.
   * @default Prompt.text('That callback is no longer waiting, so there is nothing to cancel. Goodbye.')
   */
  readonly nothingToCancel?: Prompt;
  /**
   * set-callback: the cancel could not be stored.
   * @default Prompt.text('Sorry, we could not cancel your callback right now. Please call again in a few minutes. Goodbye.')
   */
  readonly cancelFailed?: Prompt;
  /**
   * set-callback: the caller keeps their pending callback.
   * @default Prompt.text('Your callback stays booked. Goodbye.')
   */
  readonly callbackKept?: Prompt;
  /**
   * set-callback: the entered number has a pending callback that this caller may not cancel.
   * @default Prompt.text('A callback is already booked for that number. Goodbye.')
   */
  readonly bookedForOtherNumber?: Prompt;
  /**
   * set-callback: no choice after two tries.
   * @default Prompt.text('Sorry, we did not receive your choice. Please call again. Goodbye.')
   */
  readonly noInput?: Prompt;
  /**
   * set-callback: no usable number after two tries.
   * @default Prompt.text('Sorry, we could not use that phone number. Please call again. Goodbye.')
   */
  readonly invalidNumber?: Prompt;
  /**
   * set-callback: a block failed.
   * @default Prompt.text('Sorry, we have a technical problem. Please call again later. Goodbye.')
   */
  readonly technicalProblem?: Prompt;
  /**
   * set-callback: the queue is full.
   * @default Prompt.text('Sorry, all our lines are busy. Please call again later. Goodbye.')
   */
  readonly linesBusy?: Prompt;
  /**
   * set-callback, with `admissionPolicy.maxQueuedContacts`: the queue is full, so no callback is booked (and the caller
   * cannot wait in it either).
   * @default Prompt.text('Sorry, we cannot take any more callbacks right now. Please call again later. Goodbye.')
   */
  readonly atCapacity?: Prompt;
  /**
   * set-callback, with `admissionPolicy.maxCallbacksPerNumberPerDay`: the number has booked as many callbacks today as
   * it may; the caller is then put through to the queue to wait for an agent.
   * @default Prompt.text('Sorry, this number cannot book another callback today. Please hold for the next available agent.')
   */
  readonly limitReached?: Prompt;
  /**
   * set-callback, with `admissionPolicy.hoursOfOperationArn`: the queue closes within `stopOfferingBeforeClose`, so no
   * callback is booked; the caller is put through to the queue to wait for an agent.
   * @default Prompt.text('Sorry, we are closing soon and cannot call you back today. Please hold for the next available agent.')
   */
  readonly closingSoon?: Prompt;
  /**
   * set-callback, with `admissionPolicy.hoursOfOperationArn`: the queue is closed, and no callback is booked (with
   * `whenClosed` DEFER: none of the `deferralDelays` reaches the next opening).
   * @default Prompt.text('Sorry, we are closed and cannot book a callback now. Please call again during our opening hours. Goodbye.')
   */
  readonly closed?: Prompt;
  /**
   * set-callback, with `admissionPolicy.whenClosed` DEFER: the queue is closed, and the callback is booked for after it
   * opens (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('We are closed now. We will call you back on {callbackNumber} after we open. You can hang up now.')
   */
  readonly callbackDeferred?: Prompt;
  /**
   * set-callback, with `minimumWaitForCallback`: the queue's estimated wait is below it; 1 stays on the line, 2 asks
   * for the callback anyway.
   * @default Prompt.text('The wait for an agent is short right now. To stay on the line for the next agent, press 1. To be called back anyway, press 2.')
   */
  readonly shortWait?: Prompt;
  /**
   * Customer queue flow: what a waiting caller hears, in a loop, between offers.
   * @default Prompt.text('Thank you for waiting. An agent will be with you as soon as possible.')
   */
  readonly queueHold?: Prompt;
  /**
   * Customer queue flow: the callback offer; 1 accepts.
   * @default Prompt.text('To hang up and be called back on the number you are calling from when an agent is free, press 1. To keep waiting, press 2.')
   */
  readonly queueOffer?: Prompt;
  /**
   * Customer queue flow: the callback is booked; the call ends (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('Thank you. We will call you back on {callbackNumber} as soon as an agent is free. Goodbye.')
   */
  readonly queueCallbackBooked?: Prompt;
  /**
   * Customer queue flow: the caller's number already has a pending callback; they stay in the queue
   * (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('You already asked for a callback at {requestedAt} and it is still waiting for the next agent. You can hang up and wait for it, or stay on the line.')
   */
  readonly queueAlreadyBooked?: Prompt;
  /**
   * Customer queue flow: the callback could not be booked; the caller stays in the queue.
   * @default Prompt.text('Sorry, we could not book your callback. Please stay on the line: you keep your place in the queue.')
   */
  readonly queueBookingFailed?: Prompt;
  /**
   * Customer queue flow: the caller's own number cannot be called back (withheld, or not a valid number).
   * @default Prompt.text('Sorry, we cannot call back the number you are calling from. Please stay on the line: you keep your place in the queue.')
   */
  readonly queueCannotCallBack?: Prompt;
  /**
   * Customer queue flow, with `admissionPolicy.maxCallbacksPerNumberPerDay`: the number has booked as many callbacks
   * today as it may. The caller keeps waiting, and is not offered a callback again.
   * @default Prompt.text('Sorry, this number cannot book another callback today. Please stay on the line: you keep your place in the queue.')
   */
  readonly queueLimitReached?: Prompt;
  /**
   * Customer queue flow, with `admissionPolicy.hoursOfOperationArn`: the queue closes soon (or is closed), so no callback
   * is booked; the caller keeps their place and is not offered one again.
   * @default Prompt.text('Sorry, we cannot call you back today. Please stay on the line: you keep your place in the queue.')
   */
  readonly queueNoCallbackToday?: Prompt;
  /**
   * Customer queue flow, with `admissionPolicy.whenClosed` DEFER: the callback is booked for after the queue opens; the
   * call ends (placeholders `{callbackNumber}`, `{requestedAt}`).
   * @default Prompt.text('Thank you. We will call you back on {callbackNumber} after we open. Goodbye.')
   */
  readonly queueCallbackDeferred?: Prompt;
  /**
   * Agent whisper (agent's voice): a pending callback is being dialled (placeholder `{callbackNumber}`).
   * @default Prompt.text('Callback. The customer is being dialled on {callbackNumber}')
   */
  readonly agentCallback?: Prompt;
  /**
   * Agent whisper (agent's voice): the callback was cancelled, the agent must hang up (placeholder `{callbackNumber}`).
   * Said three times over about 20 seconds by default, so the agent cannot miss it.
   * @default Prompt.ssml('<speak>This callback was cancelled by the customer. Please hang up now.<break time="4s"/>This callback was cancelled. Please hang up now.<break time="4s"/>Please hang up now.<break time="3s"/></speak>')
   */
  readonly agentHangUp?: Prompt;
  /**
   * Agent whisper (agent's voice): the callback's state could not be read; it goes ahead.
   * @default Prompt.text('Callback. Its status could not be checked, so the customer is being dialled.')
   */
  readonly agentStatusUnknown?: Prompt;
  /**
   * Transferred-caller whisper (agent's voice): a caller whose booking failed and who was put through to the queue.
   * @default Prompt.text('Caller from the callback line. Their callback could not be booked.')
   */
  readonly agentTransferredCaller?: Prompt;
  /**
   * Outbound whisper (customer's voice): the customer answered the callback they asked for (placeholder `{callbackNumber}`).
   * @default Prompt.text('Hello, this is the callback you asked for. An agent will be with you now.')
   */
  readonly customerCallbackGreeting?: Prompt;
  /**
   * Outbound whisper (customer's voice): any other answered callback of ours (cancelled, or of unknown state).
   * @default Prompt.text('Hello, an agent will be with you now.')
   */
  readonly customerGreeting?: Prompt;
  /**
   * Customer-first outbound callback flow (customer's voice): the customer answered the callback they asked for and is
   * queued for the next agent.
   * @default Prompt.text('Hello, this is the callback you asked for. Please hold for the next agent.')
   */
  readonly customerFirstGreeting?: Prompt;
  /**
   * Customer-first outbound callback flow (customer's voice): the customer answered a callback cancelled while it was
   * being dialled; the call ends.
   * @default Prompt.text('Hello. This is about the callback you asked for. It was cancelled, so no agent will call you. Goodbye.')
   */
  readonly customerFirstCancelled?: Prompt;
  /**
   * Customer-first outbound callback flow (customer's voice): the answered customer could not be queued for an agent.
   * @default Prompt.text('Sorry, no agent can take your call right now. Please call us again later. Goodbye.')
   */
  readonly customerFirstNoAgent?: Prompt;
  /**
   * Customer-first answered callback whisper (agent's voice): the customer is already on the line.
   * @default Prompt.text('Callback. The customer is on the line.')
   */
  readonly agentCustomerOnLine?: Prompt;
}

export type PromptName = keyof CallbackPrompts;

const ENGLISH_US: Required<CallbackPrompts> = {
  chooseNumber: Prompt.text('To be called back on the number you are calling from, press 1. To enter a different number, press 2.'),
  chooseNumberAgain: Prompt.text('Sorry, I did not get that. To be called back on the number you are calling from, press 1. To enter a different number, press 2.'),
  enterNumber: Prompt.text('Please enter the phone number we should call you back on, followed by the hash key.'),
  enterNumberAgain: Prompt.text('Sorry, that did not work. Please enter the phone number we should call you back on, followed by the hash key.'),
  confirmNumber: Prompt.ssml('<speak>You entered <say-as interpret-as="telephone">{enteredNumber}</say-as>. If that is right, press 1. To enter it again, press 2.</speak>'),
  callbackBooked: Prompt.text('Thank you. We will call you back on {callbackNumber} as soon as an agent is free. You can hang up now.'),
  bookingFailed: Prompt.text('Sorry, we could not book your callback. Please stay on the line for the next available agent.'),
  offerCancel: Prompt.text('You already asked for a callback at {requestedAt} and it is still waiting for the next agent. To cancel it, press 1. To keep it, press 2.'),
  offerCancelAgain: Prompt.text('Sorry, I did not get that. You already asked for a callback at {requestedAt} and it is still waiting for the next agent. To cancel it, press 1. To keep it, press 2.'),
  callbackCancelled: Prompt.text('Your callback has been cancelled. Thank you for calling. Goodbye.'),
  nothingToCancel: Prompt.text('That callback is no longer waiting, so there is nothing to cancel. Goodbye.'),
  cancelFailed: Prompt.text('Sorry, we could not cancel your callback right now. Please call again in a few minutes. Goodbye.'),
  callbackKept: Prompt.text('Your callback stays booked. Goodbye.'),
  bookedForOtherNumber: Prompt.text('A callback is already booked for that number. Goodbye.'),
  noInput: Prompt.text('Sorry, we did not receive your choice. Please call again. Goodbye.'),
  invalidNumber: Prompt.text('Sorry, we could not use that phone number. Please call again. Goodbye.'),
  technicalProblem: Prompt.text('Sorry, we have a technical problem. Please call again later. Goodbye.'),
  linesBusy: Prompt.text('Sorry, all our lines are busy. Please call again later. Goodbye.'),
  atCapacity: Prompt.text('Sorry, we cannot take any more callbacks right now. Please call again later. Goodbye.'),
  limitReached: Prompt.text('Sorry, this number cannot book another callback today. Please hold for the next available agent.'),
  closingSoon: Prompt.text('Sorry, we are closing soon and cannot call you back today. Please hold for the next available agent.'),
  closed: Prompt.text('Sorry, we are closed and cannot book a callback now. Please call again during our opening hours. Goodbye.'),
  callbackDeferred: Prompt.text('We are closed now. We will call you back on {callbackNumber} after we open. You can hang up now.'),
  shortWait: Prompt.text('The wait for an agent is short right now. To stay on the line for the next agent, press 1. To be called back anyway, press 2.'),
  queueHold: Prompt.text('Thank you for waiting. An agent will be with you as soon as possible.'),
  queueOffer: Prompt.text('To hang up and be called back on the number you are calling from when an agent is free, press 1. To keep waiting, press 2.'),
  queueCallbackBooked: Prompt.text('Thank you. We will call you back on {callbackNumber} as soon as an agent is free. Goodbye.'),
  queueAlreadyBooked: Prompt.text('You already asked for a callback at {requestedAt} and it is still waiting for the next agent. You can hang up and wait for it, or stay on the line.'),
  queueBookingFailed: Prompt.text('Sorry, we could not book your callback. Please stay on the line: you keep your place in the queue.'),
  queueCannotCallBack: Prompt.text('Sorry, we cannot call back the number you are calling from. Please stay on the line: you keep your place in the queue.'),
  queueLimitReached: Prompt.text('Sorry, this number cannot book another callback today. Please stay on the line: you keep your place in the queue.'),
  queueNoCallbackToday: Prompt.text('Sorry, we cannot call you back today. Please stay on the line: you keep your place in the queue.'),
  queueCallbackDeferred: Prompt.text('Thank you. We will call you back on {callbackNumber} after we open. Goodbye.'),
  agentCallback: Prompt.text('Callback. The customer is being dialled on {callbackNumber}'),
  agentHangUp: Prompt.ssml('<speak>This callback was cancelled by the customer. Please hang up now.<break time="4s"/>This callback was cancelled. Please hang up now.'
    + '<break time="4s"/>Please hang up now.<break time="3s"/></speak>'),
  agentStatusUnknown: Prompt.text('Callback. Its status could not be checked, so the customer is being dialled.'),
  agentTransferredCaller: Prompt.text('Caller from the callback line. Their callback could not be booked.'),
  customerCallbackGreeting: Prompt.text('Hello, this is the callback you asked for. An agent will be with you now.'),
  customerGreeting: Prompt.text('Hello, an agent will be with you now.'),
  customerFirstGreeting: Prompt.text('Hello, this is the callback you asked for. Please hold for the next agent.'),
  customerFirstCancelled: Prompt.text('Hello. This is about the callback you asked for. It was cancelled, so no agent will call you. Goodbye.'),
  customerFirstNoAgent: Prompt.text('Sorry, no agent can take your call right now. Please call us again later. Goodbye.'),
  agentCustomerOnLine: Prompt.text('Callback. The customer is on the line.'),
};

const SPANISH_US: Required<CallbackPrompts> = {
  chooseNumber: Prompt.text('Para que le devolvamos la llamada al número desde el que llama, oprima 1. Para ingresar otro número, oprima 2.'),
  chooseNumberAgain: Prompt.text('Disculpe, no le entendí. Para que le devolvamos la llamada al número desde el que llama, oprima 1. Para ingresar otro número, oprima 2.'),
  enterNumber: Prompt.text('Ingrese el número de teléfono al que debemos devolverle la llamada, seguido de la tecla numeral.'),
  enterNumberAgain: Prompt.text('Disculpe, eso no funcionó. Ingrese el número de teléfono al que debemos devolverle la llamada, seguido de la tecla numeral.'),
  confirmNumber: Prompt.ssml('<speak>Usted ingresó <say-as interpret-as="telephone">{enteredNumber}</say-as>. Si es correcto, oprima 1. Para ingresarlo de nuevo, oprima 2.</speak>'),
  callbackBooked: Prompt.text('Gracias. Le devolveremos la llamada al {callbackNumber} en cuanto un agente esté disponible. Ya puede colgar.'),
  bookingFailed: Prompt.text('Disculpe, no pudimos programar su llamada de regreso. Permanezca en la línea para hablar con el próximo agente disponible.'),
  offerCancel: Prompt.text('Usted ya pidió una llamada de regreso, que sigue esperando al próximo agente. Hora de la solicitud: {requestedAt}. Para cancelarla, oprima 1. Para conservarla, oprima 2.'),
  offerCancelAgain: Prompt.text('Disculpe, no le entendí. Usted ya pidió una llamada de regreso, que sigue esperando al próximo agente. Hora de la solicitud: {requestedAt}. '
    + 'Para cancelarla, oprima 1. Para conservarla, oprima 2.'),
  callbackCancelled: Prompt.text('Su llamada de regreso fue cancelada. Gracias por llamar. Adiós.'),
  nothingToCancel: Prompt.text('Esa llamada de regreso ya no está en espera, así que no hay nada que cancelar. Adiós.'),
  cancelFailed: Prompt.text('Disculpe, no pudimos cancelar su llamada de regreso en este momento. Vuelva a llamar en unos minutos. Adiós.'),
  callbackKept: Prompt.text('Su llamada de regreso sigue programada. Adiós.'),
  bookedForOtherNumber: Prompt.text('Ya hay una llamada de regreso programada para ese número. Adiós.'),
  noInput: Prompt.text('Disculpe, no recibimos su selección. Vuelva a llamar, por favor. Adiós.'),
  invalidNumber: Prompt.text('Disculpe, no pudimos usar ese número de teléfono. Vuelva a llamar, por favor. Adiós.'),
  technicalProblem: Prompt.text('Disculpe, tenemos un problema técnico. Vuelva a llamar más tarde. Adiós.'),
  linesBusy: Prompt.text('Disculpe, todas nuestras líneas están ocupadas. Vuelva a llamar más tarde. Adiós.'),
  atCapacity: Prompt.text('Disculpe, en este momento no podemos programar más llamadas de regreso. Vuelva a llamar más tarde. Adiós.'),
  limitReached: Prompt.text('Disculpe, este número no puede pedir otra llamada de regreso hoy. Espere en la línea al próximo agente disponible, por favor.'),
  closingSoon: Prompt.text('Disculpe, cerramos pronto y hoy no podemos devolverle la llamada. Espere en la línea al próximo agente disponible, por favor.'),
  closed: Prompt.text('Disculpe, estamos cerrados y no podemos programar una llamada de regreso ahora. Vuelva a llamar en nuestro horario de atención. Adiós.'),
  callbackDeferred: Prompt.text('Ahora estamos cerrados. Le devolveremos la llamada al {callbackNumber} cuando abramos. Ya puede colgar.'),
  shortWait: Prompt.text('En este momento la espera para hablar con un agente es corta. Para permanecer en la línea, oprima 1. Para que le devolvamos la llamada de todos modos, oprima 2.'),
  queueHold: Prompt.text('Gracias por esperar. Un agente lo atenderá lo antes posible.'),
  queueOffer: Prompt.text('Para colgar y que le devolvamos la llamada al número desde el que llama cuando un agente esté disponible, oprima 1. Para seguir esperando, oprima 2.'),
  queueCallbackBooked: Prompt.text('Gracias. Le devolveremos la llamada al {callbackNumber} en cuanto un agente esté disponible. Adiós.'),
  queueAlreadyBooked: Prompt.text('Usted ya pidió una llamada de regreso, que sigue esperando al próximo agente. Hora de la solicitud: {requestedAt}. '
    + 'Puede colgar y esperarla, o permanecer en la línea.'),
  queueBookingFailed: Prompt.text('Disculpe, no pudimos programar su llamada de regreso. Permanezca en la línea: conserva su lugar en la fila.'),
  queueCannotCallBack: Prompt.text('Disculpe, no podemos devolverle la llamada al número desde el que llama. Permanezca en la línea: conserva su lugar en la fila.'),
  queueLimitReached: Prompt.text('Disculpe, este número no puede pedir otra llamada de regreso hoy. Permanezca en la línea: conserva su lugar en la fila.'),
  queueNoCallbackToday: Prompt.text('Disculpe, hoy no podemos devolverle la llamada. Permanezca en la línea: conserva su lugar en la fila.'),
  queueCallbackDeferred: Prompt.text('Gracias. Le devolveremos la llamada al {callbackNumber} cuando abramos. Adiós.'),
  agentCallback: Prompt.text('Llamada de regreso. Se está marcando al cliente al {callbackNumber}'),
  agentHangUp: Prompt.ssml('<speak>El cliente canceló esta llamada de regreso. Cuelgue ahora, por favor.<break time="4s"/>Esta llamada de regreso fue cancelada. '
    + 'Cuelgue ahora, por favor.<break time="4s"/>Cuelgue ahora, por favor.<break time="3s"/></speak>'),
  agentStatusUnknown: Prompt.text('Llamada de regreso. No se pudo comprobar su estado, así que se está marcando al cliente.'),
  agentTransferredCaller: Prompt.text('Llamada de la línea de llamadas de regreso. No se pudo programar su llamada de regreso.'),
  customerCallbackGreeting: Prompt.text('Hola, esta es la llamada de regreso que usted pidió. Un agente lo atenderá ahora.'),
  customerGreeting: Prompt.text('Hola, un agente lo atenderá ahora.'),
  customerFirstGreeting: Prompt.text('Hola, esta es la llamada de regreso que usted pidió. Espere en la línea al próximo agente, por favor.'),
  customerFirstCancelled: Prompt.text('Hola. Le llamamos por la llamada de regreso que usted pidió. Fue cancelada, así que ningún agente lo llamará. Adiós.'),
  customerFirstNoAgent: Prompt.text('Disculpe, ningún agente puede atender su llamada en este momento. Vuelva a llamar más tarde. Adiós.'),
  agentCustomerOnLine: Prompt.text('Llamada de regreso. El cliente está en la línea.'),
};

/** Complete prompt sets, ready to pass as `prompts`. */
export class CallbackPromptSets {
  /** The defaults: US English, for the voice Joanna (the Amazon Connect default) and the locale 'en-US'. */
  public static readonly ENGLISH_US: CallbackPrompts = ENGLISH_US;
  /**
   * US Spanish, agents' whispers included, for a US Spanish voice such as Lupe (neural or standard) and the locale
   * 'es-US'. Give English agent prompts and an English `agentVoice` over it where agents speak English.
   */
  public static readonly SPANISH_US: CallbackPrompts = SPANISH_US;

  private constructor() {}
}

/** The prompts the flows say: each field given, else its default. */
export function promptsWithDefaults(prompts: CallbackPrompts | undefined): Required<CallbackPrompts> {
  const given = Object.fromEntries(Object.entries(prompts ?? {}).filter(([, prompt]) => prompt !== undefined));
  for (const [name, prompt] of Object.entries(given)) {
    if (!(name in ENGLISH_US)) throw new Error(`prompts.${name} is not a prompt of the flows (they are ${Object.keys(ENGLISH_US).join(', ')})`);
    if (!(prompt instanceof Prompt)) throw new Error(`prompts.${name} must be a Prompt (Prompt.text, Prompt.ssml or Prompt.audio)`);
  }
  return { ...ENGLISH_US, ...given };
}

/** Whether no prompt differs from the English defaults. */
export function allEnglishDefaults(prompts: Required<CallbackPrompts>): boolean {
  return (Object.keys(ENGLISH_US) as PromptName[]).every((name) => prompts[name] === ENGLISH_US[name]);
}

/**
 * The placeholders of text and SSML prompts, and what each becomes in the flow: a reference the flow resolves when it
 * speaks (adminguide/create-dynamic-text-strings.html: Text and SSML "may be defined statically or dynamically").
 */
export const PLACEHOLDERS = {
  callbackNumber: '$.External.phoneNational',
  requestedAt: '$.External.requestedAtSpoken',
  enteredNumber: '$.StoredCustomerInput',
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

/** The placeholder a flow reference stands for, to name it in a message. */
export function placeholderOf(reference: string): string | undefined {
  const name = (Object.keys(PLACEHOLDERS) as PlaceholderName[]).find((candidate) => PLACEHOLDERS[candidate] === reference);
  return name === undefined ? undefined : `{${name}}`;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * The SSML tags Amazon Connect supports (adminguide/supported-ssml-tags.html); "If you use an unsupported tag in your
 * input text, it's automatically ignored", while Amazon Polly's own page says an unsupported tag is an error for some
 * voices: the two disagree, so an unsupported tag is refused here instead of being left to either.
 */
export const SUPPORTED_SSML_TAGS = ['speak', 'break', 'lang', 'mark', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w', 'amazon:effect'];

/**
 * "a maximum of 3,000 billed characters (6,000 total characters)" of text-to-speech per prompt (adminguide/
 * get-customer-input.html and transfer-to-queue.html); SSML tags are not billed.
 */
const MAX_BILLED_CHARACTERS = 3000;
const MAX_TOTAL_CHARACTERS = 6000;

/** A CDK token, or a Connect prompt ARN: `arn:<partition>:connect:<region>:<account>:instance/<id>/prompt/<id>`. */
const PROMPT_ARN = /^arn:[a-z-]+:connect:[a-z0-9-]+:\d{12}:instance\/([A-Za-z0-9-]+)\/prompt\/[A-Za-z0-9-]+$/;

export interface PromptContext {
  /** The instance's id, when known at synth: an audio prompt must be one of its prompts. */
  readonly instanceId?: string;
  /** Whether the voice that says the prompt is neural or generative, where Polly drops the whispered effect. */
  readonly neuralVoice: boolean;
}

/** The flow parameter a prompt becomes: `{ Text }`, `{ SSML }` or `{ PromptId }`, placeholders turned into references. */
export function promptParameter(name: string, prompt: Prompt, context: PromptContext): Record<string, string> {
  const label = `prompts.${name}`;
  const value = prompt.value;
  if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.trim() === '')) throw new Error(`${label} is empty`);
  if (prompt.kind === PromptKind.AUDIO) {
    if (Token.isUnresolved(value)) return { PromptId: value };
    if (/[{}]/.test(value)) throw new Error(`${label}: an audio prompt carries no placeholders; give the ARN of a prompt, got '${value}'`);
    const match = PROMPT_ARN.exec(value);
    if (!match) throw new Error(`${label} must be the ARN of a prompt (arn:aws:connect:<region>:<account>:instance/<id>/prompt/<id>), got '${value}'`);
    if (context.instanceId !== undefined && match[1] !== context.instanceId) {
      throw new Error(`${label} is a prompt of instance ${match[1]}, not of the construct's instance ${context.instanceId}`);
    }
    return { PromptId: value };
  }
  if (Token.isUnresolved(value)) throw new Error(`${label} must be text known at synth, not a token: its placeholders and tags are checked`);
  if (/\$[.[]/.test(value)) {
    throw new Error(`${label} holds '$.' or '$[', which Amazon Connect reads as an attribute reference; use the placeholders {${Object.keys(PLACEHOLDERS).join('}, {')}}`);
  }
  if (prompt.kind === PromptKind.SSML) checkSsml(label, value, context);
  const spoken = prompt.kind === PromptKind.SSML ? value.replace(/<[^>]*>/g, '') : value;
  if (spoken.length > MAX_BILLED_CHARACTERS || value.length > MAX_TOTAL_CHARACTERS) {
    throw new Error(`${label} is too long: Amazon Connect speaks at most ${MAX_BILLED_CHARACTERS} characters (${MAX_TOTAL_CHARACTERS} with SSML tags) per prompt`);
  }
  const withReferences = value.replace(PLACEHOLDER, (whole, inner: string, offset: number, text: string) => {
    const reference = (PLACEHOLDERS as Record<string, string>)[inner];
    if (reference === undefined) {
      throw new Error(`${label} uses the unknown placeholder ${whole}; the placeholders are {${Object.keys(PLACEHOLDERS).join('}, {')}}`);
    }
    // A reference must be followed by white space, a tag or the end (see checkPromptReferences in flows/flow-values.ts):
    // a space before the punctuation that follows one is not heard.
    const next = text.charAt(offset + whole.length);
    return next === '' || next === '<' || /\s/.test(next) ? reference : `${reference} `;
  });
  return prompt.kind === PromptKind.SSML ? { SSML: withReferences } : { Text: withReferences };
}

/** SSML as Connect takes it: one `<speak>` element, supported tags only, well nested, placeholders in text only. */
function checkSsml(label: string, ssml: string, context: PromptContext): void {
  const trimmed = ssml.trim();
  if (!trimmed.startsWith('<speak>') && !/^<speak\s[^>]*>/.test(trimmed)) throw new Error(`${label}: SSML must be enclosed in <speak>...</speak>`);
  if (!trimmed.endsWith('</speak>')) throw new Error(`${label}: SSML must be enclosed in <speak>...</speak>`);
  const open: string[] = [];
  let position = 0;
  for (const tag of trimmed.matchAll(/<[^>]*>?/g)) {
    if (/[{}]/.test(tag[0])) throw new Error(`${label}: a placeholder may stand in the text of SSML, not inside a tag (${tag[0]})`);
    const parsed = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>$/.exec(tag[0]);
    if (!parsed) throw new Error(`${label}: ${JSON.stringify(tag[0])} is not a well-formed SSML tag`);
    const [, closing, name, attributes, selfClosing] = parsed;
    if (!SUPPORTED_SSML_TAGS.includes(name)) throw new Error(`${label}: Amazon Connect does not support the SSML tag <${name}> (it supports ${SUPPORTED_SSML_TAGS.join(', ')})`);
    if (name === 'amazon:effect' && !closing) {
      if (!/\bname\s*=\s*["']whispered["']/.test(attributes)) throw new Error(`${label}: the only amazon:effect Amazon Connect supports is name="whispered"`);
      // Amazon Polly (polly/latest/dg/supportedtags.html): the whispered effect is not available for neural voices.
      if (context.neuralVoice) throw new Error(`${label}: <amazon:effect name="whispered"> is not available for neural and generative voices`);
    }
    const first = position === 0;
    const last = tag.index! + tag[0].length === trimmed.length;
    if ((name === 'speak') !== (first || last) || (first && closing) || (last && !closing)) {
      throw new Error(`${label}: SSML must be one <speak> element holding all the rest`);
    }
    position++;
    if (closing) {
      if (open.pop() !== name) throw new Error(`${label}: </${name}> closes a tag that is not open`);
    } else if (!selfClosing) {
      open.push(name);
    }
  }
  if (open.length > 0) throw new Error(`${label}: <${open[open.length - 1]}> is never closed`);
}

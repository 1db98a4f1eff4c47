/** Cold-start baseline for the handlers without I/O: a handler that does nothing but reply. */
export async function handler(): Promise<Record<string, string>> {
  return { result: 'OK' };
}

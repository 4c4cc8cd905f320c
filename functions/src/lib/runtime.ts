/** True inside the Firebase emulator suite, where timings are shortened so tests can observe them. */
export function isEmulator(): boolean {
  return process.env.FUNCTIONS_EMULATOR === 'true';
}
